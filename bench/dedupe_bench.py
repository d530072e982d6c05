"""Duplicate finder benchmark: N customers (3% planted near-duplicates), one finder run timed.

    .venv/bin/python -m bench.dedupe_bench --customers 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_dedupe \\
        .venv/bin/python -m bench.dedupe_bench --customers 1000000

Runs on the configured database (DATABASE_URL; migrated first; a missing PostgreSQL database
is created). Customers go into 20 stores under a unit of their own (code BENCH-DEDUPE) and are
removed before each run (as is every duplicate pair); `--reuse` keeps those of an earlier
run of the same size and times the finder alone. 30% are companies, 70% people, each
with one mobile number; half the companies have a tax number. Planted near-duplicates: the
same company as 有限责任公司, with a city prefix, full-width letters or （集团）; a one-character
typo; the same tax number written with blanks and lower case; the same phone under another
name; a person entered twice in one store. Plus one placeholder phone (00000000) shared by
0.1% of the customers. Prints the finder's counts, time and the recall of the planted pairs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

BATCH = 5000
STORES = 20
DUP_RATE = 0.03
PLACEHOLDER = "00000000"
BRAND = (  # about 400 characters common in Chinese trade names
    "华信达宏远鑫源恒通泰安盛嘉和瑞丰顺隆兴旺德昌金银海天星光明辉汇聚鼎诚新科创智联博雅致锦绣"
    "繁荣东方南北西中国际开元永康福寿宁长城黄河江珠峰青松翠柏红梅兰竹菊荷莲桂林森淼鑫焱垚"
    "佳美雅丽秀俊杰英豪威武强盛大广阔宇宙乾坤震巽坎离艮兑春夏秋冬晨曦朝阳旭日月明皓洁"
    "富贵吉祥如意平安喜乐康健益寿延年百千万亿兆京沪津渝粤闽浙苏皖赣湘鄂豫冀晋鲁辽吉黑"
    "蒙陕甘宁青新藏川黔滇桂琼港澳台一二三四五六七八九十元亨利贞仁义礼智信忠孝廉耻勤俭"
    "朴实正直善良真诚博爱和谐共赢同舟合力众志成久远长青云飞腾跃展翔凯旋胜利捷报先锋领航"
    "卓越精工匠心品质优选尚品臻享悦享乐享骏马雄鹰猛虎蛟龙凤凰麒麟仙鹤孔雀鸿雁燕鹏鲲"
    "abcdefghijklmnopqrstuvwxyz"
)
TRADES = ["科技", "贸易", "实业", "物流", "商贸", "电子", "机械", "食品", "建材", "服饰", "医药"]
LEGAL = ["有限公司", "有限公司", "股份有限公司", "集团有限公司", "商行"]
CITIES = ["深圳", "广州", "上海", "杭州", "苏州", "南京", "成都", "武汉", "东莞", "佛山"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欣雪琳晨辰子涵梓轩一诺思远博文雨桐可馨"  # noqa: E501


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _company(rng: random.Random) -> tuple[str, str]:
    brand = "".join(rng.choices(BRAND, k=rng.randint(2, 4)))
    trade = rng.choice(TRADES)
    return f"{brand}{trade}{rng.choice(LEGAL)}", f"{brand}{trade}"


def _variant(core: str, rng: random.Random) -> str:
    """The same company written another way (or with one typo: a near name)."""
    choice = rng.randrange(6)
    if choice == 0:
        return f"{core}有限责任公司"
    if choice == 1:
        return f"{rng.choice(CITIES)}市{core}有限公司"
    if choice == 2:
        return f"{_fullwidth(core)}有限公司"
    if choice == 3:
        return f"{core}（集团）有限公司"
    if choice == 4 and len(core) > 4:
        i = rng.randrange(len(core) - 2)
        return f"{core[:i]}{rng.choice(BRAND)}{core[i + 1 :]}有限公司"
    return f"{core}股份有限公司"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _tax(rng: random.Random) -> str:
    return "91" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=16))


def _units() -> list[Any]:
    from kefu.core.choices import UnitKind
    from kefu.core.models import OrgUnit

    root = OrgUnit.objects.filter(code="BENCH-DEDUPE").first()
    if root is None:
        root = OrgUnit.objects.create(code="BENCH-DEDUPE", name="去重基准", kind=UnitKind.REGION)
        root.path, root.depth = f"/{root.pk}/", 1
        root.save(update_fields=["path", "depth"])
    stores = []
    for i in range(STORES):
        store = OrgUnit.objects.filter(code=f"BENCH-DEDUPE-{i}").first()
        if store is None:
            store = OrgUnit.objects.create(
                code=f"BENCH-DEDUPE-{i}", name=f"去重基准{i}店", kind=UnitKind.STORE, parent=root
            )
            store.path, store.depth = f"{root.path}{store.pk}/", 2
            store.save(update_fields=["path", "depth"])
        stores.append(store)
    return stores


def _clear(stores: list[Any]) -> None:
    from django.db import connection

    ids = ",".join(str(s.pk) for s in stores)
    inner = f"SELECT id FROM customers_customer WHERE unit_id IN ({ids})"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM customers_duplicatepair")
        cursor.execute(f"DELETE FROM customers_customerphone WHERE customer_id IN ({inner})")  # noqa: S608
        cursor.execute(f"DELETE FROM customers_customer WHERE unit_id IN ({ids})")  # noqa: S608


def _rows(
    n: int, rng: random.Random, stores: list[Any]
) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Customer specs (planted duplicates point back at their original's index)."""
    specs: list[dict[str, Any]] = []
    planted: list[tuple[int, int]] = []
    placeholders = max(2, n // 1000)
    for i in range(n):
        if specs and rng.random() < DUP_RATE:
            j = rng.randrange(len(specs))
            orig = specs[j]
            spec = dict(orig, phone=_mobile(rng), tax="")
            if orig["kind"] == "company":
                pick = rng.randrange(3)
                spec["name"] = _variant(orig["core"], rng)
                if pick == 1 and orig["tax"]:
                    spec["tax"] = " ".join([orig["tax"][:8], orig["tax"][8:]]).lower()
                elif pick == 2:
                    spec["phone"], spec["name"] = orig["phone"], _company(rng)[0]
            elif rng.random() < 0.5:
                spec["phone"] = orig["phone"]  # same person, same phone, maybe another store
                spec["unit"] = rng.choice(stores)
            specs.append(spec)
            planted.append((j, i))
            continue
        unit = rng.choice(stores)
        if rng.random() < 0.3:
            name, core = _company(rng)
            tax = _tax(rng) if rng.random() < 0.5 else ""
            specs.append({"kind": "company", "name": name, "core": core, "tax": tax, "unit": unit})
        else:
            specs.append(
                {"kind": "person", "name": _person(rng), "core": "", "tax": "", "unit": unit}
            )
        specs[-1]["phone"] = PLACEHOLDER if i < placeholders else _mobile(rng)
    return specs, planted


def populate(
    n: int, *, seed: int = 20261122, reuse: bool = False
) -> tuple[list[int], list[tuple[int, int]]]:
    """Replace the benchmark's customers with `n` new ones; returns (ids, planted index pairs).
    With `reuse`, customers left by an earlier run with the same `n` are kept."""
    from django.db import connection, transaction

    from kefu.customers.models import Customer, CustomerPhone
    from kefu.customers.names import name_key

    stores = _units()
    specs, planted = _rows(n, random.Random(seed), stores)
    if reuse:
        kept = Customer.objects.filter(unit__in=stores).order_by("id")
        old = list(kept.values_list("id", flat=True))
        if len(old) == n:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM customers_duplicatepair")
            return old, planted
    _clear(stores)
    ids: list[int] = []
    for start in range(0, n, BATCH):
        chunk = specs[start : start + BATCH]
        customers = [
            Customer(
                unit=s["unit"],
                kind=s["kind"],
                name=s["name"][:200],
                name_key=name_key(s["name"], s["kind"]),
                id_number=s["tax"],
            )
            for s in chunk
        ]
        with transaction.atomic():
            Customer.objects.bulk_create(customers, batch_size=1000)
            CustomerPhone.objects.bulk_create(
                [
                    CustomerPhone(customer_id=c.pk, number=s["phone"], is_primary=True)
                    for c, s in zip(customers, chunk, strict=True)
                ],
                batch_size=1000,
            )
        ids.extend(c.pk for c in customers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
            cursor.execute("ANALYZE customers_customerphone")
    return ids, planted


def run(customers: int, *, reuse: bool = False) -> dict[str, Any]:
    from django.db import connection

    from kefu.customers.models import DuplicatePair
    from kefu.customers.services_dedupe import find_duplicates

    began = time.perf_counter()
    ids, planted = populate(customers, reuse=reuse)
    populate_s = time.perf_counter() - began
    began = time.perf_counter()
    result = find_duplicates(actor=None)
    find_s = time.perf_counter() - began
    found = set(DuplicatePair.objects.values_list("customer_a_id", "customer_b_id"))
    began = time.perf_counter()
    again = find_duplicates(actor=None)
    again_s = time.perf_counter() - began
    hits = sum(1 for i, j in planted if tuple(sorted((ids[i], ids[j]))) in found)
    return {
        "customers": customers,
        "planted_pairs": len(planted),
        "find_s": find_s,
        "pairs": result.open_pairs,
        "again_s": again_s,
        "again_written": again.created + again.updated,
        "comparisons": result.comparisons,
        "all_pairs": customers * (customers - 1) // 2,
        "recall": hits / max(len(planted), 1),
        "oversized_blocks": len(result.oversized_blocks),
        "common_names": result.common_names,
        **{f"phase_{k}_s": v for k, v in result.timings.items()},
        "populate_s": populate_s,
        "vendor": connection.vendor,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the customers of an earlier run of this size"
    )
    args = parser.parse_args(argv)
    if args.customers < 2:
        parser.error("--customers must be at least 2")
    from bench.sla_scan_bench import _setup

    _setup()
    results = run(args.customers, reuse=args.reuse)
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
