"""Reading spreadsheets: encodings, delimiters, header matching, limits, broken files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from kefu.core.errors import ImportFailed
from kefu.core.imports.reader import map_headers, normalise_header, open_table
from kefu.core.imports.registry import Column

COLUMNS = (
    Column("name", "客户名称", aliases=("名称",), required=True),
    Column("phone", "手机/电话", aliases=("phone",)),
    Column("grade", "等级", required=True),
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path: Path, name: str | None = None) -> tuple[list[str], list[tuple[int, Any]]]:
    table = open_table(path, filename=name or path.name)
    return table.headers, list(table.rows)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8", "客户名称,等级\n张三,A\n".encode()),
        ("utf-8 bom", "\ufeff客户名称,等级\n张三,A\n".encode()),
        ("gbk", "客户名称,等级\n张三,A\n".encode("gbk")),
        ("gb18030", "客户名称,等级\n張三,A\n".encode("gb18030")),
        ("crlf", "客户名称,等级\r\n张三,A\r\n".encode()),
    ],
)
def test_csv_encodings_are_detected(tmp_path, label, data):
    headers, rows = read_all(write(tmp_path, "a.csv", data))
    assert headers == ["客户名称", "等级"]
    assert rows[0][1][1] == "A"
    assert rows[0][1][0] in {"张三", "張三"}


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_is_sniffed_from_the_header(tmp_path, delimiter):
    text = (
        delimiter.join(["客户名称", "等级", "备注"]) + "\n" + delimiter.join(["张三", "A", "x,y"])
    )
    if delimiter == ",":
        text = '客户名称,等级,备注\n张三,A,"x,y"\n'
    headers, rows = read_all(write(tmp_path, "a.txt", text.encode()))
    assert headers == ["客户名称", "等级", "备注"]
    assert rows == [(2, ["张三", "A", "x,y"])]


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers(tmp_path):
    data = "\n客户名称,等级\n张三,A\n,\n  ,  \n李四,B\n".encode()
    table = open_table(write(tmp_path, "a.csv", data), filename="a.csv")
    assert table.header_row == 2
    assert list(table.rows) == [(3, ["张三", "A"]), (6, ["李四", "B"])]


def test_xlsx_rows_and_numbers(tmp_path):
    data = xlsx_bytes(
        [[None], ["客户名称", "等级", "信用分"], ["张三", "A", 85], [None], ["李四", "B", None]]
    )
    table = open_table(write(tmp_path, "客户.xlsx", data), filename="客户.xlsx")
    assert table.headers == ["客户名称", "等级", "信用分"]
    rows = list(table.rows)
    assert [n for n, _c in rows] == [3, 5]
    assert rows[0][1] == ["张三", "A", 85.0]


def test_headers_match_trimmed_full_width_case_insensitive_with_required_marks():
    assert normalise_header(" 客户名称＊ ") == "客户名称"
    assert normalise_header("ＰＨＯＮＥ") == "phone"
    header = map_headers([" 名称* ", "PHONE", "等级＊", "生日"], COLUMNS)
    assert header.index == {"name": 0, "phone": 1, "grade": 2}
    assert header.header_of["name"] == "名称*"
    assert header.warnings == ["以下列不会导入：生日。"]  # zh-hans, the default language


def test_missing_required_columns_are_listed_in_one_error():
    with pytest.raises(ImportFailed) as err:
        map_headers(["手机/电话", "备注"], COLUMNS)
    assert err.value.code == "import_missing_columns"
    assert err.value.details == {"missing": ["客户名称", "等级"]}
    assert "客户名称、等级" in err.value.message


def test_duplicate_headers_are_refused():
    with pytest.raises(ImportFailed) as err:
        map_headers(["客户名称", "名称", "等级"], COLUMNS)
    assert err.value.code == "import_duplicate_columns"


@pytest.mark.parametrize(
    ("label", "name", "data", "code"),
    [
        ("empty file", "a.csv", b"", "import_empty"),
        ("only blank lines", "a.csv", b"\n\n,,\n", "import_empty"),
        ("random bytes as xlsx", "a.xlsx", b"\x00\x01garbage" * 100, "import_unreadable"),
        ("csv named xlsx", "a.xlsx", "客户名称\n张三\n".encode(), "import_unreadable"),
        ("binary as csv", "a.csv", bytes(range(256)) * 20, "import_encoding"),
        ("utf-16", "a.csv", "客户名称\n张三\n".encode("utf-16"), "import_encoding"),
        ("wrong type", "a.pdf", b"%PDF-1.4", "import_file_type"),
    ],
)
def test_unreadable_files_give_a_clear_error(tmp_path, label, name, data, code):
    with pytest.raises(ImportFailed) as err:
        read_all(write(tmp_path, "f" + Path(name).suffix, data), name)
    assert err.value.code == code
    assert err.value.message


def test_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.KEFU_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFailed) as err:
        read_all(write(tmp_path, "a.csv", b"x" * 101))
    assert err.value.code == "import_too_large"


def test_rows_over_the_limit_are_refused(tmp_path, settings):
    settings.KEFU_IMPORT_MAX_ROWS = 3
    data = ("客户名称\n" + "".join(f"n{i}\n" for i in range(4))).encode()
    table = open_table(write(tmp_path, "a.csv", data), filename="a.csv")
    with pytest.raises(ImportFailed) as err:
        list(table.rows)
    assert err.value.code == "import_too_many_rows"


def test_nul_bytes_in_a_csv_are_read(tmp_path):
    headers, rows = read_all(write(tmp_path, "a.csv", "客户名称,等级\n张\x00三,A\n".encode()))
    assert rows == [(2, ["张\x00三", "A"])]
