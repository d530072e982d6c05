"""Built-in default templates, used when a key has no active NotificationTemplate row.

Other apps add theirs at start-up (in `AppConfig.ready()`)::

    from kefu.notifications.defaults import DefaultTemplate, register_default_template
    register_default_template(DefaultTemplate("survey.link", "问卷", "{{ name }}，..."))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTemplate:
    key: str
    subject: str
    body: str
    channel: str = ""
    description: str = ""
    sample: dict[str, object] | None = None


_DEFAULTS: dict[str, DefaultTemplate] = {}


def register_default_template(template: DefaultTemplate) -> None:
    _DEFAULTS[template.key] = template


def default_template(key: str) -> DefaultTemplate | None:
    return _DEFAULTS.get(key)


def default_templates() -> list[DefaultTemplate]:
    return sorted(_DEFAULTS.values(), key=lambda t: t.key)


_BUILTIN = [
    DefaultTemplate(
        "member.birthday",
        "生日快乐",
        "尊敬的{{ name }}，今天是您的生日，{{ company|default:'我们' }}祝您生日快乐，万事如意！",
        "sms",
        "Birthday greeting to a member",
        {"name": "张三", "company": "示例公司"},
    ),
    DefaultTemplate(
        "member.birthday_call",
        "今天请致电会员 {{ name }} 祝贺生日",
        "会员 {{ name }}（卡号 {{ card }}）今天生日，请致电送上祝福。",
        "inapp",
        "Reminder to call a top-tier member on their birthday",
        {"name": "张三", "card": "M0001", "url": "/members/1/"},
    ),
    DefaultTemplate(
        "holiday.greeting",
        "{{ holiday }}快乐",
        "尊敬的{{ name }}，{{ holiday }}将至，{{ company|default:'我们' }}祝您节日快乐，阖家幸福！",
        "sms",
        "Holiday greeting to a customer segment",
        {"name": "张三", "holiday": "春节", "company": "示例公司"},
    ),
    DefaultTemplate(
        "ticket.progress",
        "工单 {{ number }} 进度更新",
        "您好{% if name %}，{{ name }}{% endif %}：您的工单 {{ number }}（{{ title }}）"
        "当前状态：{{ status }}。{% if note %}{{ note }}{% endif %}",
        "sms",
        "Ticket progress update to the customer",
        {"name": "张三", "number": "KF20261122001", "title": "洗衣机漏水", "status": "处理中"},
    ),
    DefaultTemplate(
        "sla.escalation",
        "SLA 升级：工单 {{ number }}",
        "工单 {{ number }}（{{ title }}）{{ level|default:'已超时' }}，"
        "当前处理人：{{ assignee|default:'未分配' }}，截止时间：{{ due_at }}。{{ url }}",
        "wecom",
        "SLA escalation to a staff group or person",
        {
            "number": "KF20261122001",
            "title": "洗衣机漏水",
            "level": "已超时",
            "assignee": "李四",
            "due_at": "2026-11-22 14:05",
            "url": "",
        },
    ),
    DefaultTemplate(
        "survey.link",
        "满意度调查",
        "尊敬的{{ name }}，感谢您的支持！请花一分钟评价我们的服务：{{ url }}",
        "sms",
        "Satisfaction survey link",
        {"name": "张三", "url": "https://example.com/s/abc"},
    ),
    DefaultTemplate(
        "notifications.test",
        "测试消息",
        "这是一条来自客服系统的测试消息（{{ channel }}）。",
        "",
        "Test message from the channel settings page",
        {"channel": "sms"},
    ),
]
for _template in _BUILTIN:
    register_default_template(_template)
