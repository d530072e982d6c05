"""The customer importer (客户档案): columns, duplicates, units in scope, the written rows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kefu.core.choices import Role
from kefu.core.errors import ImportFailed
from kefu.core.models import ImportJob, ImportStatus
from kefu.core.services import imports as services
from kefu.customers.models import Address, Customer, CustomerPhone, Tag
from kefu.customers.names import name_key
from kefu.customers.services import create_customer

FULL = (
    "客户名称*,客户类型,手机/电话,证件号码/税号,地址,等级,大客户,信用等级,信用分,来源,"
    "所属单位,标签,邮箱,备注\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KEFU_IMPORT_INLINE_ROWS = 1_000_000  # everything inline: no worker in tests
    settings.KEFU_IMPORT_INLINE_BYTES = 1 << 40
    with translation.override("en"):
        yield


def run(actor, unit, text: str, *, valid_only: bool = False) -> ImportJob:
    job = services.upload(
        actor=actor,
        importer_key="customers",
        file=SimpleUploadedFile("客户档案.csv", text.encode("utf-8-sig")),
        unit=unit,
    )
    assert job.status == ImportStatus.VALIDATED, job.message
    if job.error_rows and not valid_only:
        return job
    return services.commit(actor=actor, job=job, valid_only=valid_only)


def test_every_column_is_written(org, admin_user):
    text = FULL + (
        "广东省深圳市华为技术（集团）有限公司,企业,+86 138-1234-5678，0755-26543210,"
        "91440300MA5XXXXXX1,广东省深圳市南山区科技园1号,a,是,AA,85,门店,S-GZ1,"
        "VIP，老客户,service@example.com,备注文字\n"
    )
    job = run(admin_user, org.hq, text)
    assert job.status == ImportStatus.DONE, job.message
    c = Customer.objects.get()
    assert (c.name, c.kind, c.unit_id, c.grade, c.is_key_account) == (
        "广东省深圳市华为技术（集团）有限公司",
        "company",
        org.guangzhou.pk,
        "A",
        True,
    )
    assert c.name_key == "华为技术" == name_key(c.name, "company")
    assert (c.credit_level, c.credit_score, c.source) == ("AA", 85, "store")
    assert (c.email, c.id_number, c.notes) == (
        "service@example.com",
        "91440300MA5XXXXXX1",
        "备注文字",
    )
    assert c.address == "广东省深圳市南山区科技园1号"
    assert list(c.phones.order_by("-is_primary", "number").values_list("number", "is_primary")) == [
        ("13812345678", True),
        ("075526543210", False),
    ]
    assert sorted(c.tag_links.values_list("tag__name", flat=True)) == ["VIP", "老客户"]
    assert not Address.objects.exists()  # one address: the customer's field


def test_minimal_rows_get_defaults_and_a_guessed_kind(org, admin_user):
    job = run(admin_user, org.east, "客户名称\n张 三\n上海某某贸易有限公司\n")
    assert job.status == ImportStatus.DONE
    person, company = Customer.objects.get(name="张 三"), Customer.objects.get(kind="company")
    assert (person.kind, person.name_key, person.grade, person.source, person.unit_id) == (
        "person",
        "张三",
        "C",
        "import",
        org.east.pk,
    )
    assert (company.kind, company.name_key) == ("company", "某某贸易")


@pytest.mark.parametrize(
    ("label", "row", "column", "reason"),
    [
        ("kind", "张三,火星人,,,,,,,,,,,,", "客户类型", "Write 个人 or 企业."),
        ("phone", "张三,,12-34,,,,,,,,,,,", "手机/电话", "“12-34” is not a phone number."),
        ("grade", "张三,,,,,E,,,,,,,,", "等级", "Choose a grade from A to D."),
        ("key account", "张三,,,,,,也许,,,,,,,", "大客户", "Write 是 or 否."),
        ("credit", "张三,,,,,,,AAAA,,,,,,", "信用等级", "Write AAA, AA, A, B or C."),
        ("score", "张三,,,,,,,,abc,,,,,", "信用分", "Not a number."),
        ("score range", "张三,,,,,,,,5000,,,,,", "信用分", "Write a score from 0 to 1000."),
        ("source", "张三,,,,,,,,,外星,,,,", "来源", None),
        ("unit", "张三,,,,,,,,,,不存在的店,,,", "所属单位", None),
        ("email", "张三,,,,,,,,,,,,not-mail,", "邮箱", "Not an e-mail address."),
        ("name", ",,13812345678,,,,,,,,,,,", "客户名称*", "Required."),
    ],
)
def test_bad_cells_are_reported_with_the_header_as_written(
    org, admin_user, label, row, column, reason
):
    job = run(admin_user, org.hq, FULL + row + "\n")
    assert (job.valid_rows, job.error_rows) == (0, 1)
    [error] = job.errors
    assert (error["row"], error["column"]) == (2, column)
    if reason is not None:
        assert error["reason"] == reason


def test_same_phone_twice_in_the_file_is_an_error_on_the_later_row(org, admin_user):
    text = "客户名称,手机\n张三,13812345678\n李四,138 1234 5678\n王五,13900000000 13700000000\n"
    job = run(admin_user, org.hq, text)
    assert (job.valid_rows, job.error_rows) == (2, 1)
    assert job.errors == [
        {
            "row": 3,
            "column": "手机",
            "value": "138****5678",
            "reason": "13812345678 is already in row 2 of this file.",
        }
    ]


def test_phone_already_in_the_archive_names_the_existing_customer(org, admin_user):
    existing = create_customer(actor=admin_user, unit=org.hq, name="老张", phones=["13812345678"])
    job = run(admin_user, org.hq, "客户名称,手机\n张三,13812345678\n李四,13900000000\n")
    assert job.error_rows == 1
    assert job.errors[0]["reason"] == (
        f"13812345678 belongs to customer #{existing.pk} already; merge into that customer instead."
    )
    job = services.commit(actor=admin_user, job=job, valid_only=True)
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["李四", "老张"]


def test_rows_may_only_go_to_units_in_the_actors_scope(org, make_user):
    agent = make_user(Role.AGENT, org.east)
    job = run(agent, org.east, "客户名称,所属单位\n张三,上海一店\n李四,S-GZ1\n王五,\n")
    assert job.error_rows == 1
    assert job.errors[0]["row"] == 3
    job = services.commit(actor=agent, job=job, valid_only=True)
    assert sorted(Customer.objects.values_list("name", "unit_id")) == [
        ("张三", org.shanghai.pk),
        ("王五", org.east.pk),
    ]


def test_existing_tags_are_reused(org, admin_user):
    Tag.objects.create(name="VIP")
    run(admin_user, org.hq, '客户名称,标签\n张三,VIP\n李四,"VIP,新"\n')
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["VIP", "新"]
    assert Customer.objects.filter(tag_links__tag__name="VIP").count() == 2


def test_address_may_come_in_three_columns(org, admin_user):
    run(admin_user, org.hq, "客户名称,省份,城市,详细地址\n张三,广东省,深圳市,南山区科技园1号\n")
    assert Customer.objects.get().address == "广东省深圳市南山区科技园1号"


def test_a_hundred_thousand_rows_three_bad_valid_only_imports_the_rest(org, admin_user):
    bad = {17_000: "13800000000", 55_555: "abc", 99_998: ""}  # dup phone, bad phone, no name
    lines = ["客户名称,手机/电话,等级"]
    for i in range(100_000):
        phone = bad.get(i, f"139{i:08d}")
        name = "" if i == 99_998 else f"客户{i}"
        lines.append(f"{name},{phone},B")
    lines[1] = "客户0,13800000000,B"  # row 2 holds the phone row 17,002 repeats
    job = services.upload(
        actor=admin_user,
        importer_key="customers",
        file=SimpleUploadedFile("big.csv", ("\n".join(lines) + "\n").encode()),
        unit=org.hq,
        check=False,
    )
    job = services.validate(job=job)
    assert (job.total_rows, job.valid_rows, job.error_rows) == (100_000, 99_997, 3)
    assert [e["row"] for e in job.errors] == [17_002, 55_557, 100_000]
    with pytest.raises(ImportFailed) as err:
        services.commit(actor=admin_user, job=job)
    assert err.value.code == "import_has_errors"
    assert Customer.objects.count() == 0
    job = services.commit(actor=admin_user, job=job, valid_only=True)
    assert job.status == ImportStatus.DONE, job.message
    assert Customer.objects.count() == 99_997
    assert CustomerPhone.objects.count() == 99_997
    assert not Customer.objects.filter(name__in=["客户17000", "客户55555"]).exists()
    assert Customer.objects.filter(name="客户99999").exists()
