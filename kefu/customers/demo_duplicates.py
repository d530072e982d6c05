"""Demo near-duplicates (统一客户名称): the same companies entered again the way people do —
有限责任公司 for 有限公司, a province prefix, （集团）, full-width letters, a typo, the same
phone under another name, a person entered twice in one store — then one finder run, so
the review page has pairs to merge or dismiss."""

from __future__ import annotations

import random

from kefu.core.demo.registry import DemoContext
from kefu.customers.choices import CustomerKind
from kefu.customers.models import Customer, CustomerPhone
from kefu.customers.names import name_key
from kefu.customers.services_dedupe import find_duplicates

COMPANY_VARIANTS = 10
PERSON_VARIANTS = 4


def _variant(name: str, i: int, rng: random.Random) -> str:
    core = name.removesuffix("有限公司")
    match i % 6:
        case 0:
            return f"{core}有限责任公司"
        case 1:
            return f"广东省{name}"
        case 2:
            return f"{core}（集团）有限公司"
        case 3:
            return f"{core} ＣＯ．，ＬＴＤ"
        case 4:  # one character typed twice: a near name, not the same one
            j = rng.randrange(len(core) - 2, len(core))
            return f"{core[: j + 1]}{core[j:]}有限公司"
        case _:
            return f"{core}股份有限公司"


def _copy(original: Customer, name: str, phone: str, kind: str | None = None) -> Customer:
    kind = kind or original.kind
    customer = Customer.objects.create(
        unit_id=original.unit_id,
        kind=kind,
        name=name,
        name_key=name_key(name, kind),
        grade=original.grade,
    )
    if phone:
        CustomerPhone.objects.create(customer=customer, number=phone, is_primary=True)
    return customer


def write_duplicates(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("customer_duplicates")
    companies = list(Customer.objects.filter(kind=CustomerKind.COMPANY).order_by("id")[:40])
    persons = list(Customer.objects.filter(kind=CustomerKind.PERSON).order_by("id")[:200])
    made = 0
    for i, original in enumerate(rng.sample(companies, min(COMPANY_VARIANTS, len(companies)))):
        _copy(original, _variant(original.name, i, rng), f"1390000{i:04d}")
        made += 1
    for i, original in enumerate(rng.sample(persons, min(PERSON_VARIANTS * 2, len(persons)))):
        phone = original.phones.values_list("number", flat=True).first() or ""
        if i % 2 == 0:  # the same phone under another (mis-typed) name
            _copy(original, f"{original.name}（{rng.choice(['先生', '女士'])}）", phone)
        else:  # entered twice in one store
            _copy(original, original.name, f"1370000{i:04d}")
        made += 1
    result = find_duplicates(actor=ctx.actor)
    return {"customer_duplicates": made, "duplicate_pairs": result.open_pairs}
