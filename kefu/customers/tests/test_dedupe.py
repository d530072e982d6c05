"""The duplicate finder: normalisation, blocking (never all pairs), scoring, stored pairs."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command

from kefu.core.models import AuditEvent
from kefu.core.schedule import periodic_jobs
from kefu.customers import dedupe
from kefu.customers.choices import DuplicateStatus
from kefu.customers.models import Customer, CustomerPhone, DuplicatePair
from kefu.customers.names import name_key
from kefu.customers.services_dedupe import collect_candidates, find_duplicates
from kefu.customers.tests.dedupe_fixtures import make_customer


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("华为技术有限公司", "华为技术有限责任公司", id="有限公司 vs 有限责任公司"),
        pytest.param("广东省深圳市华为技术有限公司", "华为技术", id="province and city prefix"),
        pytest.param("深圳华为技术有限公司", "华为技术股份有限公司", id="city without 市"),
        pytest.param("华为技术（集团）有限公司", "华为技术有限公司", id="（集团）"),
        pytest.param("ＡＢＣ贸易有限公司", "abc贸易有限公司", id="full-width letters"),
        pytest.param("ABC 贸易", "abc贸易", id="case and spaces"),
        pytest.param("上海【宏达】实业有限公司", "宏达实业集团", id="brackets and 集团"),
    ],
)
def test_company_names_that_mean_one_company_share_a_key(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


def test_distinct_companies_keep_distinct_keys() -> None:
    assert name_key("华为技术有限公司") != name_key("华信技术有限公司")
    assert name_key("北京") == "北京"  # a region alone is never stripped to nothing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 9144 0300-7084k ", "914403007084K"), ("", ""), ("abc", "ABC")],
)
def test_id_numbers_are_compared_upper_case_without_blanks(raw: str, expected: str) -> None:
    assert dedupe.normalize_id_number(raw) == expected


def test_reasons_combine_into_one_score() -> None:
    assert dedupe.score([{"code": "same_name", "key": "x"}]) == 0.9
    assert dedupe.score([{"code": "same_phone"}]) == 0.7
    assert dedupe.score([{"code": "same_name", "key": "x"}, {"code": "same_phone"}]) == 0.97
    assert dedupe.score([{"code": "same_name", "kind": "person"}]) == 0.5
    assert dedupe.score([{"code": "same_name", "kind": "person"}, {"code": "same_unit"}]) == 0.65
    assert dedupe.score([{"code": "similar_name", "ratio": 85}]) == 0.6
    assert dedupe.score([{"code": "similar_name", "ratio": 97}]) == 0.8


def _rows(n: int, seed: int = 7) -> list[tuple[str, int, str, int]]:
    rng = random.Random(seed)
    chars = "华为技术信达宏远实业贸易科技物流商贸东方明珠长城星光金山银河天地"
    keys = {"".join(rng.choices(chars, k=rng.randint(4, 8))) for _ in range(n * 2)}
    rows = [(key, i + 1, "company", 1) for i, key in enumerate(sorted(keys)[:n])]
    assert len(rows) == n
    return rows


def test_blocking_compares_a_sliver_of_all_pairs() -> None:
    collector = dedupe.PairCollector()
    seen = dedupe.scan_names(collector, _rows(2000), window=8)
    assert seen == 2000
    all_pairs = 2000 * 1999 // 2
    assert collector.comparisons <= 2000 * 8 * 2
    assert collector.comparisons < all_pairs // 50


def test_a_placeholder_phone_shared_by_a_thousand_customers_is_capped() -> None:
    collector = dedupe.PairCollector(block_cap=50)
    dedupe.scan_phones(collector, [("00000000", pk) for pk in range(1, 1001)])
    assert len(collector.pairs) == 50 * 49 // 2
    assert collector.oversized == [{"code": "same_phone", "key": "000****0000", "size": 1000}]
    assert collector.pairs[(1, 2)] == [{"code": "same_phone", "block_size": 1000}]


def test_people_with_one_name_pair_only_within_one_unit() -> None:
    collector = dedupe.PairCollector()
    rows = [("张伟", 1, "person", 10), ("张伟", 2, "person", 10), ("张伟", 3, "person", 11)]
    dedupe.scan_names(collector, rows)
    assert collector.scored() == {
        (1, 2): (0.65, [{"code": "same_name", "key": "张伟"}, {"code": "same_unit"}])
    }


def test_a_common_name_in_one_unit_is_no_evidence() -> None:
    collector = dedupe.PairCollector()
    dedupe.scan_names(collector, [("张伟", pk, "person", 10) for pk in range(1, 5)])
    assert collector.pairs == {}
    assert collector.common_names == 1
    dedupe.scan_phones(collector, [("13800000000", 1), ("13800000000", 2)])
    assert collector.scored() == {(1, 2): (0.7, [{"code": "same_phone"}])}


def test_companies_and_people_with_one_key_are_not_paired() -> None:
    collector = dedupe.PairCollector()
    dedupe.scan_names(collector, [("宏达", 1, "company", 1), ("宏达", 2, "person", 1)])
    assert collector.pairs == {}


def test_finder_stores_pairs_with_reasons(org) -> None:
    a = make_customer(org.shanghai, "华为技术有限公司", phones=["075528780808"])
    b = make_customer(org.guangzhou, "广东省深圳市华为技术有限责任公司")
    c = make_customer(org.shanghai, "宏达实业有限公司", phones=["13812345678"])
    d = make_customer(org.shanghai, "信远物流有限公司", phones=["13812345678"])
    e = make_customer(org.shanghai, "东方明珠商贸有限公司", id_number="91440300 708461136T")
    f = make_customer(org.guangzhou, "蓝天科技有限公司", id_number="91440300708461136t")
    g = make_customer(org.shanghai, "长城信达科技有限公司")
    h = make_customer(org.shanghai, "长城信达科技发展有限公司")
    make_customer(org.shanghai, "完全不同的名字有限公司")

    result = find_duplicates(actor=None)

    pairs = {(p.customer_a_id, p.customer_b_id): p for p in DuplicatePair.objects.all()}
    assert set(pairs) == {(a.pk, b.pk), (c.pk, d.pk), (e.pk, f.pk), (g.pk, h.pk)}
    assert pairs[(a.pk, b.pk)].reasons == [{"code": "same_name", "key": "华为技术"}]
    assert pairs[(a.pk, b.pk)].score == 0.9
    assert pairs[(c.pk, d.pk)].reasons == [{"code": "same_phone"}]
    assert pairs[(e.pk, f.pk)].reasons == [{"code": "same_id_number"}]
    assert pairs[(g.pk, h.pk)].reasons == [{"code": "similar_name", "ratio": 86}]
    assert all(p.status == DuplicateStatus.OPEN for p in pairs.values())
    assert (result.customers, result.candidates, result.created, result.removed) == (9, 4, 4, 0)
    audit = AuditEvent.objects.get(action="customer.find_duplicates")
    assert audit.changes["open_pairs"] == 4


def test_second_run_updates_removes_and_never_revives_dismissed(org) -> None:
    a = make_customer(org.shanghai, "华为技术有限公司", phones=["13800000001"])
    b = make_customer(org.shanghai, "华为技术有限责任公司")
    make_customer(org.shanghai, "宏达实业", phones=["13800000002"])
    d = make_customer(org.shanghai, "信远物流", phones=["13800000002"])
    find_duplicates(actor=None)
    DuplicatePair.objects.filter(customer_a=a).update(status=DuplicateStatus.DISMISSED)
    CustomerPhone.objects.filter(customer=d).update(number="13900000000")

    result = find_duplicates(actor=None)

    assert list(DuplicatePair.objects.values_list("customer_a_id", "customer_b_id", "status")) == [
        (a.pk, b.pk, DuplicateStatus.DISMISSED)
    ]
    assert (result.skipped_dismissed, result.removed, result.open_pairs) == (1, 1, 0)
    again = find_duplicates(actor=None)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 0, 0)


def test_an_unchanged_pair_is_not_rewritten_and_a_changed_one_is(org) -> None:
    a = make_customer(org.shanghai, "华为技术有限公司", phones=["13800000001"])
    b = make_customer(org.shanghai, "华为技术有限责任公司")
    find_duplicates(actor=None)
    assert find_duplicates(actor=None).unchanged == 1
    CustomerPhone.objects.create(customer=b, number="13800000001")
    result = find_duplicates(actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    pair = DuplicatePair.objects.get()
    assert (pair.customer_a_id, pair.customer_b_id, pair.score) == (a.pk, b.pk, 0.97)


def test_finder_on_two_thousand_customers_compares_far_fewer_than_all_pairs(org) -> None:
    rows = _rows(2000)
    Customer.objects.bulk_create(
        [Customer(unit=org.shanghai, name=k, name_key=k, kind="company") for k, *_ in rows]
    )
    collector, seen = collect_candidates(window=8)
    assert seen == 2000
    assert collector.comparisons < 2000 * 1999 // 2 // 50


def test_command_prints_counts_and_time(org) -> None:
    make_customer(org.shanghai, "华为技术有限公司")
    make_customer(org.shanghai, "华为技术有限责任公司")
    out = io.StringIO()
    call_command("find_duplicates", stdout=out)
    lines = dict(line.split(" ", 1) for line in out.getvalue().splitlines())
    assert lines["customers"] == "2"
    assert lines["open_pairs"] == "1"
    assert float(lines["seconds"]) >= 0


def test_the_finder_runs_nightly() -> None:
    job = next(j for j in periodic_jobs() if j.name == "customers.find_duplicates")
    assert job.every.days == 1
    assert job.task.module_path == "kefu.customers.tasks.find_duplicates_task"
