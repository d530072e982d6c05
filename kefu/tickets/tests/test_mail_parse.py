"""parse_message: Chinese subjects, GBK/GB2312/UTF-8/unlabelled bodies, attachments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kefu.tickets.mail.charsets import decode_bytes, decode_header_value
from kefu.tickets.mail.parse import MailParseError, parse_message
from kefu.tickets.mail.text import html_to_text, strip_quoted
from kefu.tickets.tests.mailfixtures import PNG, b64, b_word, multipart, part, qp, raw_mail

GBK_ONLY = "喆"  # in GBK, not in GB2312: mailers label such text "GB2312" anyway


def test_gbk_only_character_is_not_in_gb2312():
    with pytest.raises(UnicodeEncodeError):
        GBK_ONLY.encode("gb2312")


def test_gb2312_base64_subject_and_sender_name():
    mail = parse_message(
        raw_mail(
            subject=f"Subject: {b_word('到货商品破损', 'gb2312')}",
            sender=f"{b_word('张三', 'gb2312')} <zhang@example.com>",
        )
    )
    assert mail.subject == "到货商品破损"
    assert mail.from_name == "张三"
    assert mail.from_address == "zhang@example.com"
    assert mail.to == ["kefu@localhost"]
    assert mail.message_id == "<m1@example.com>"
    assert mail.date is not None
    assert mail.date.isoformat() == "2026-11-22T10:00:00+08:00"


def test_gb2312_label_with_gbk_characters_decodes_as_gb18030():
    subject = f"Subject: {b_word('陶' + GBK_ONLY + '的投诉', 'gbk').replace('gbk', 'GB2312')}"
    mail = parse_message(
        raw_mail(
            subject=subject,
            body=qp(f"您好，我是{GBK_ONLY}，快递到了但是外箱破损。", "gbk"),
            content_type="text/plain; charset=GB2312",
            encoding="quoted-printable",
        )
    )
    assert mail.subject == f"陶{GBK_ONLY}的投诉"
    assert mail.body == f"您好，我是{GBK_ONLY}，快递到了但是外箱破损。"


def test_utf8_subject_q_encoded_and_base64_body():
    mail = parse_message(
        raw_mail(
            subject="Subject: =?UTF-8?Q?=E9=80=80=E6=AC=BE?= =?UTF-8?B?55Sz6K+3?=",
            body=b64("订单 DD20261122 申请退款，谢谢！".encode()),
            encoding="base64",
        )
    )
    assert mail.subject == "退款申请"
    assert mail.body == "订单 DD20261122 申请退款，谢谢！"


def test_unlabelled_8bit_gb18030_body_and_raw_subject():
    mail = parse_message(
        raw_mail(
            subject="Subject: " + "发票问题".encode("gb18030").decode("ascii", "surrogateescape"),
            body="请帮我开一张增值税发票。".encode("gb18030"),
            content_type="text/plain",
        )
    )
    assert mail.subject == "发票问题"
    assert mail.body == "请帮我开一张增值税发票。"


def test_unlabelled_8bit_utf8_is_tried_first():
    mail = parse_message(raw_mail(body="快递还没到".encode(), content_type="text/plain"))
    assert mail.body == "快递还没到"


def test_multipart_with_chinese_attachment_names():
    raw = multipart(
        [
            part("Content-Type: text/plain; charset=utf-8", "见附件。".encode()),
            part(
                "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename*=UTF-8''%E7%85%A7%E7%89%87.png",
                b64(PNG),
            ),
            part(
                f'Content-Type: application/pdf; name="{b_word("发票", "gbk")}.pdf"\n'
                "Content-Transfer-Encoding: base64\n"
                f'Content-Disposition: attachment; filename="{b_word("发票", "gbk")}.pdf"',
                b64(b"%PDF-1.4 test"),
            ),
            part(
                'Content-Type: text/plain\nContent-Disposition: attachment; filename="'
                + "清单.txt".encode("gbk").decode("ascii", "surrogateescape")
                + '"',
                "第一行".encode("gbk"),
            ),
            part(
                "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename*=gb2312''%B7%A2%C6%B1.pdf",
                b64(b"%PDF-1.4 x"),
            ),
        ],
        subject="Subject: attachments",
    )
    mail = parse_message(raw)
    assert mail.body == "见附件。"
    assert [(a.filename, a.content_type, a.size) for a in mail.attachments] == [
        ("照片.png", "image/png", len(PNG)),
        ("发票.pdf", "application/pdf", 13),
        ("清单.txt", "text/plain", 6),
        ("发票.pdf", "application/pdf", 10),
    ]
    assert mail.attachments[0].content == PNG


def test_oversize_attachment_is_skipped_with_a_note(settings):
    settings.KEFU_MAX_UPLOAD_BYTES = 100
    raw = multipart(
        [
            part("Content-Type: text/plain; charset=utf-8", "大文件".encode()),
            part(
                "Content-Type: application/zip\nContent-Transfer-Encoding: base64\n"
                'Content-Disposition: attachment; filename="big.zip"',
                b64(b"PK\x03\x04" + b"x" * 200),
            ),
            part(
                "Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
                'Content-Disposition: attachment; filename="small.png"',
                b64(PNG),
            ),
        ]
    )
    mail = parse_message(raw)
    assert [a.filename for a in mail.attachments] == ["small.png"]
    assert [(s.filename, s.size, s.reason) for s in mail.skipped] == [("big.zip", 204, "too_large")]


def test_html_only_mail_is_stripped_to_text():
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<p>您好&nbsp;客服，</p><div>订单号：<b>DD123</b></div><br>谢谢&amp;祝好"
        "<blockquote>上一封邮件的内容</blockquote><script>alert(1)</script></body></html>"
    )
    mail = parse_message(raw_mail(body=html.encode("gbk"), content_type="text/html; charset=gbk"))
    assert mail.body == "您好 客服，\n\n订单号：DD123\n\n谢谢&祝好"


def test_plain_text_is_preferred_over_html():
    raw = multipart(
        [
            part("Content-Type: text/plain; charset=utf-8", "纯文本".encode()),
            part("Content-Type: text/html; charset=utf-8", "<p>网页</p>".encode()),
        ]
    )
    assert parse_message(raw).body == "纯文本"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "好的，谢谢\n\n------------------ 原始邮件 ------------------\n发件人: 客服",
            "好的，谢谢",
        ),
        ("收到\n\n-----Original Message-----\nFrom: kefu", "收到"),
        ("OK\n\nOn Sun, 22 Nov 2026 at 10:00, Kefu <kefu@localhost> wrote:\n> old", "OK"),
        ("可以\n在 2026年11月22日 10:00，客服 <kefu@localhost> 写道：\n> 旧", "可以"),
        ("明白\n\n发件人: 客服 <kefu@localhost>\n发送时间: 2026年11月22日\n主题: x", "明白"),
        ("好\n> 引用\n> 第二行\n", "好"),
    ],
)
def test_quoted_reply_text_is_stripped(text, expected):
    assert strip_quoted(text) == (expected, True)


def test_nothing_stripped_when_only_a_quote():
    assert strip_quoted("> only quoted") == ("> only quoted", False)


def test_quote_removed_from_parsed_reply_but_full_body_kept():
    text = "已经收到，谢谢。\n\n------------------ 原始邮件 ------------------\n旧内容"
    mail = parse_message(raw_mail(body=text.encode()))
    assert mail.body == "已经收到，谢谢。"
    assert mail.quote_removed is True
    assert mail.full_body == text


def test_threading_ids_and_automatic_flags():
    mail = parse_message(
        raw_mail(
            extra="In-Reply-To: <a@kefu>\r\nReferences: <root@x> <a@kefu>\r\n"
            "Auto-Submitted: auto-replied\r\n"
        )
    )
    assert mail.in_reply_to == ["<a@kefu>"]
    assert mail.references == ["<root@x>", "<a@kefu>"]
    assert mail.thread_ids == ["<a@kefu>", "<root@x>"]
    assert mail.auto_reason == "auto-submitted: auto-replied"
    bulk = parse_message(raw_mail(extra="Precedence: bulk\r\n"))
    assert bulk.auto_reason == "precedence: bulk"
    assert parse_message(raw_mail(extra="Auto-Submitted: no\r\n")).auto_reason == ""


def test_missing_message_id_gets_a_stable_one():
    raw = raw_mail(message_id="")
    assert parse_message(raw).message_id == parse_message(raw).message_id
    assert parse_message(raw).message_id.endswith("@mail-in.kefu.invalid>")


@pytest.mark.parametrize(
    "raw",
    [b"", b"   \r\n", b"this is not a mail at all", b"Subject: no sender\r\n\r\nbody"],
)
def test_unparseable_input(raw):
    with pytest.raises(MailParseError):
        parse_message(raw)


def test_charset_helpers():
    assert decode_bytes("测试".encode("gbk"), "x-gbk") == "测试"
    assert decode_bytes("测试".encode(), "no-such-charset") == "测试"
    assert decode_bytes(b"\xff\xfe\xfd\xfc\x80", "utf-8").count("\ufffd") >= 1
    assert isinstance(decode_header_value("=?GB2312?B?broken?="), str)  # never raises
    assert html_to_text("<p>a</p><p>b</p>") == "a\n\nb"


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    header=st.binary(max_size=200),
    body=st.binary(max_size=400),
    content_type=st.sampled_from(
        [
            b"text/plain",
            b"text/plain; charset=gb2312",
            b"text/plain; charset=bogus",
            b"text/html; charset=utf-8",
            b'multipart/mixed; boundary="b"',
            b"application/octet-stream; name*=gbk''%B7",
        ]
    ),
    encoding=st.sampled_from([b"8bit", b"base64", b"quoted-printable", b"x-uuencode"]),
)
def test_any_bytes_parse_or_refuse_cleanly(header, body, content_type, encoding):
    raw = (
        b"From: a@b.example\r\nSubject: "
        + header
        + b"\r\nContent-Type: "
        + content_type
        + b"\r\nContent-Disposition: attachment; filename="
        + header[:40]
        + b"\r\nContent-Transfer-Encoding: "
        + encoding
        + b"\r\n\r\n--b\r\n"
        + body
    )
    for candidate in (raw, body, header + b"\r\n\r\n" + body):
        try:
            mail = parse_message(candidate)
        except MailParseError:
            continue
        assert isinstance(mail.subject, str)
        assert isinstance(mail.body, str)


def test_disposition_that_crashes_the_stdlib_header_parser():
    # email._header_value_parser raises IndexError on "filename=;0*" (found by the
    # property test above); the part is still read as an attachment from its raw header.
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=;0*\r\n\r\nabc"
    )
    mail = parse_message(raw)
    assert [a.content for a in mail.attachments] == [b"abc"]
