"""Customer import benchmark: a generated 客户档案 file of N rows, checked and imported.

    .venv/bin/python -m bench.import_bench --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_import \\
        .venv/bin/python -m bench.import_bench --rows 1000000

Runs on the configured database (DATABASE_URL; migrated first; a missing PostgreSQL database
is created; without DATABASE_URL a throwaway SQLite file). The file is made from pools of
names, companies, streets and tags combined by index (Faker zh_CN per row would take longer
than the import), with unique phones. The customers go into a unit of their own (code
BENCH-IMP) and are removed before each run. Timed through the services, as the pages and the
API call them: upload (store the file), validate (the dry run) and commit (one transaction).
`--format xlsx` writes and imports an .xlsx workbook instead of CSV.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HEADER = [
    "客户名称*", "客户类型", "手机/电话", "证件号码/税号", "地址", "等级", "大客户",
    "信用等级", "信用分", "来源", "所属单位", "标签", "邮箱", "备注",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅玉兰宇浩然子涵欣怡梓轩一诺雨桐思远俊杰晓东"  # noqa: E501
CITIES = [
    ("广东省", "深圳市", "0755"), ("广东省", "广州市", "020"), ("浙江省", "杭州市", "0571"),
    ("江苏省", "南京市", "025"), ("上海市", "", "021"), ("北京市", "", "010"),
    ("四川省", "成都市", "028"), ("湖北省", "武汉市", "027"), ("山东省", "济南市", "0531"),
    ("福建省", "厦门市", "0592"),
]  # fmt: skip
DISTRICTS = ["南山区", "福田区", "天河区", "西湖区", "鼓楼区", "浦东新区", "朝阳区", "武侯区"]
STREETS = ["科技园路", "人民路", "解放路", "中山路", "建设路", "滨江大道", "长江路", "和平街"]
WORDS = [
    "华南",
    "恒信",
    "宏达",
    "鑫源",
    "金桥",
    "永安",
    "东方",
    "新世纪",
    "瑞丰",
    "海川",
    "中达",
    "天成",
    "美嘉",
    "百盛",
    "博远",
    "立信",
    "德润",
    "正元",
    "嘉禾",
    "鼎盛",
]  # noqa: E501
TRADES = ["电器", "贸易", "科技", "商贸", "建材", "家居", "物流", "餐饮", "医药", "电子"]
SUFFIXES = ["有限公司", "股份有限公司", "商行", "经营部", "集团有限公司"]
TAGS = ["VIP", "老客户", "新客户", "投诉敏感", "团购", "企业客户", "高价值", "待回访"]
SOURCES = ["门店", "电话", "网站", "推荐", ""]


def make_row(i: int, rng: random.Random) -> list[str]:
    province, city, area = CITIES[i % len(CITIES)]
    company = i % 4 == 0
    if company:
        name = (
            f"{city or province}{WORDS[i % 20]}{WORDS[(i // 20) % 20]}"
            f"{TRADES[(i // 7) % 10]}{SUFFIXES[i % 5]}"
        )
    else:
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
        if i % 3:
            name += GIVEN[(i * 13) % len(GIVEN)]
    mobile = f"1{3 + i % 7}{(i * 2654435761) % 10**9:09d}"
    phones = mobile if i % 10 else f"{mobile}，{area}-{(i * 40503) % 10**8:08d}"
    street = f"{DISTRICTS[i % 8]}{STREETS[(i // 8) % 8]}{i % 999 + 1}号"
    return [
        name,
        "企业" if company else "个人",
        phones,
        f"9144{i:014d}" if company else "",
        f"{province}{city}{street}" if i % 5 else "",
        "ABCD"[rng.randrange(4)],
        "是" if i % 50 == 0 else "否",
        ["", "AAA", "AA", "A", "B"][i % 5],
        str(rng.randrange(40, 100)) if i % 3 == 0 else "",
        SOURCES[i % 5],
        "",
        TAGS[i % 8] + (f"，{TAGS[(i // 8) % 8]}" if i % 6 == 0 else "") if i % 2 else "",
        f"c{i}@example.com" if i % 7 == 0 else "",
        "",
    ]


def generate(path: Path, rows: int, fmt: str, *, seed: int = 20261122) -> None:
    rng = random.Random(seed)
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for i in range(rows):
                writer.writerow(make_row(i, rng))
        return
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("客户档案")
    sheet.write_row(0, 0, HEADER)
    for i in range(rows):
        sheet.write_row(i + 1, 0, make_row(i, rng))
    book.close()


def _fixtures() -> tuple[Any, Any]:
    from kefu.core.choices import UnitKind
    from kefu.core.models import OrgUnit, User

    unit = OrgUnit.objects.filter(code="BENCH-IMP").first()
    if unit is None:
        unit = OrgUnit.objects.create(code="BENCH-IMP", name="导入基准", kind=UnitKind.STORE)
        unit.path, unit.depth = f"/{unit.pk}/", 1
        unit.save(update_fields=["path", "depth"])
    actor = User.objects.filter(username="bench-import").first()
    if actor is None:
        actor = User.objects.create_superuser("bench-import", "", None)
    return unit, actor


def _clear(unit: Any) -> None:
    from django.db import connection

    from kefu.customers.models import Customer

    if connection.vendor != "postgresql":
        Customer.objects.filter(unit=unit).delete()
        return
    sub = "SELECT id FROM customers_customer WHERE unit_id = %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM customers_customer WHERE unit_id <> %s LIMIT 1", [unit.pk])
        if cursor.fetchone() is None:  # only benchmark customers: TRUNCATE is much faster
            cursor.execute(
                "TRUNCATE customers_customerphone, customers_customertag, customers_address,"
                " customers_customer CASCADE"
            )
            return
        for table in ("customers_customerphone", "customers_customertag", "customers_address"):
            cursor.execute(f"DELETE FROM {table} WHERE customer_id IN ({sub})", [unit.pk])
        cursor.execute("DELETE FROM customers_customer WHERE unit_id = %s", [unit.pk])


def run(rows: int, *, fmt: str = "csv", folder: str | None = None) -> dict[str, Any]:
    from django.test.utils import override_settings

    work = Path(folder or tempfile.mkdtemp(prefix="kefu-importbench-"))
    # time the services inline (no worker); the uploads go to the scratch folder
    with override_settings(
        KEFU_IMPORT_INLINE_BYTES=1 << 62, KEFU_IMPORT_INLINE_ROWS=1 << 62, MEDIA_ROOT=work / "media"
    ):
        return _run(rows, fmt, work)


def _run(rows: int, fmt: str, work: Path) -> dict[str, Any]:
    from django.core.files import File
    from django.db import connection

    from kefu.core.services import imports as services

    unit, actor = _fixtures()
    _clear(unit)
    source = work / f"customers.{fmt}"
    began = time.perf_counter()
    generate(source, rows, fmt)
    generate_s = time.perf_counter() - began
    began = time.perf_counter()
    with source.open("rb") as fh:
        job = services.upload(
            actor=actor,
            importer_key="customers",
            file=File(fh, name=source.name),
            unit=unit,
            check=False,
        )
    upload_s = time.perf_counter() - began
    began = time.perf_counter()
    job = services.validate(job=job)
    validate_s = time.perf_counter() - began
    if job.status != "validated" or job.error_rows:
        raise SystemExit(f"dry run: {job.status} {job.message} {job.errors[:3]}")
    began = time.perf_counter()
    job = services.commit(actor=actor, job=job)
    commit_s = time.perf_counter() - began
    if job.status != "done":
        raise SystemExit(f"commit: {job.status} {job.message}")
    return {
        "rows": rows,
        "format": fmt,
        "vendor": connection.vendor,
        "file_mb": source.stat().st_size / 1024 / 1024,
        "generate_s": generate_s,
        "upload_s": upload_s,
        "validate_s": validate_s,
        "validate_rows_per_s": rows / validate_s,
        "commit_s": commit_s,
        "commit_rows_per_s": rows / commit_s,
        "total_s": validate_s + commit_s,
        "total_rows_per_s": rows / (validate_s + commit_s),
        "customers": job.result.get("customers", 0),
        "phones": job.result.get("phones", 0),
        "tags": job.result.get("tags", 0),
    }


def _setup(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from bench.sla_scan_bench import _create_pg_database

        _create_pg_database(url)
    elif not url:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--profile", help="write cProfile stats of validate+commit here")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kefu-importbench-") as folder:
        _setup(folder)
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            results = profiler.runcall(run, args.rows, fmt=args.format, folder=folder)
            profiler.dump_stats(args.profile)
        else:
            results = run(args.rows, fmt=args.format, folder=folder)
    for key, value in results.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else value
        print(f"{key} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
