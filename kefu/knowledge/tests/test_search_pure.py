from __future__ import annotations

from kefu.knowledge.search import (
    display_terms,
    highlight,
    keywords,
    query_terms,
    search_text_for,
    segment,
    snippet,
)


def test_segment_has_jieba_words_bigrams_and_ascii_words() -> None:
    tokens = segment("收到的货物破损，申请退货 iPhone15")
    assert {"货物", "破损", "退货", "申请", "物破", "iphone15"} <= set(tokens)
    assert len(tokens) == len(set(tokens))
    assert "，" not in tokens


def test_bigrams_find_words_jieba_cuts_differently() -> None:
    # jieba may cut 损退 across word boundaries; every two-character window is indexed anyway
    tokens = set(segment("包装破损退货流程"))
    assert {"破损", "损退", "退货"} <= tokens


def test_search_text_is_space_delimited_on_both_ends() -> None:
    text = search_text_for("破损", "退货")
    assert text.startswith(" ")
    assert text.endswith(" ")
    assert " 破损 " in text
    assert " 退货 " in text
    assert search_text_for("") == ""


def test_query_terms() -> None:
    assert query_terms("破损") == ["破损"]
    assert query_terms("货物破损 退货") == ["货物", "物破", "破损", "退货"]
    assert query_terms("  Warranty ") == ["warranty"]
    assert query_terms("，。！") == []
    assert query_terms("x" * 500) == ["x" * 100]


def test_highlight_escapes_html_and_marks_terms() -> None:
    out = highlight("<script>alert(1)</script>货物破损", display_terms("破损"))
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt;货物<mark>破损</mark>"


def test_keywords_drop_stop_words() -> None:
    words = keywords("您好，我收到的货物外包装破损了，要求退货，谢谢")
    assert "破损" in words
    assert "退货" in words
    assert "您好" not in words
    assert "谢谢" not in words


def test_snippet_centres_on_first_hit() -> None:
    body = "甲" * 200 + "破损" + "乙" * 200
    piece = snippet(body, ["破损"], width=40)
    assert "破损" in piece
    assert piece.startswith("…")
    assert piece.endswith("…")


def test_snippet_drops_markup_marks() -> None:
    assert snippet("# 保修期\n- 整机 **一年**\n1. 配件", ["保修"]) == "保修期 整机 一年 配件"
