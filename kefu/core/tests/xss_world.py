"""Records whose user-supplied texts are XSS payloads, built through the services, and the
pages that render them. Shared by the HTML test (test_xss_rendering) and the browser test
(tests/e2e/test_xss.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.urls import reverse

from kefu.core.models import OrgUnit, User

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
JS_URL = "javascript:window.__xss=1"
TEMPLATE = "{{7*7}}"
PAYLOADS = (SCRIPT, IMG, SVG, JS_URL, TEMPLATE)
# One text with every payload (fits 200-character fields).
ALL = f"XSS {SCRIPT} {IMG} {SVG} {JS_URL} {TEMPLATE}"
SHORT = SVG  # for 40-character fields

# What must never appear in a rendered page: the payloads as live markup or a live link.
RAW_MARKERS = (
    "<script>window.__xss",
    "<img src=x onerror",
    "<svg onload",
    'href="javascript:',
    "href='javascript:",
)
# How the payloads look once escaped (one of them is enough to show the text was rendered).
ESCAPED_MARKERS = (
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&lt;svg onload=window.__xss=1&gt;",
)


@dataclass
class XssWorld:
    admin: User
    ticket_id: int
    customer_id: int
    article_id: int
    member_id: int
    template_key: str
    pages: dict[str, str] = field(default_factory=dict)  # label -> URL (signed in as admin)
    public_pages: dict[str, str] = field(default_factory=dict)  # label -> URL (anonymous)


def build(admin: User, unit: OrgUnit, hq: OrgUnit) -> XssWorld:
    from kefu.customers.services import create_customer
    from kefu.customers.services.parts import add_address
    from kefu.knowledge.choices import ArticleStatus, Visibility
    from kefu.knowledge.services import create_article
    from kefu.members.services.registration import register_member
    from kefu.members.tests.factories import form, make_tiers
    from kefu.notifications.services_manage import save_template
    from kefu.tickets.services.conversation import add_reply
    from kefu.tickets.services.intake import create_ticket

    customer = create_customer(
        actor=admin, unit=unit, name=ALL, phones=["13812345678"], address=ALL, notes=ALL
    )
    add_address(actor=admin, customer=customer, detail=ALL, label=SHORT)
    ticket = create_ticket(
        actor=admin,
        unit=unit,
        type="repair",
        channel="phone",
        title=ALL,
        description=f"{ALL}\n{ALL}",
        customer=customer,
        contact_name=SHORT,
        reference=SHORT,
    )
    add_reply(actor=admin, ticket=ticket, body=ALL)
    article = create_article(
        actor=admin,
        unit=hq,
        title=ALL,
        body=f"# {ALL}\n\n- {ALL}\n\n**{SCRIPT}** {JS_URL} https://example.com/?q={SVG}\n{ALL}",
        visibility=Visibility.PUBLIC,
        status=ArticleStatus.PUBLISHED,
        tags=[SHORT],
    )
    make_tiers()
    member = register_member(
        actor=admin, unit=unit, **form(7, name=SHORT, address=ALL, company=ALL, occupation=SHORT)
    )
    key = "member.birthday"
    # Notification texts are (sandboxed) templates themselves: {{7*7}} is refused there.
    plain = ALL.replace(TEMPLATE, "")
    save_template(actor=admin, key=key, subject=plain, body=f"{{{{ name }}}} {plain}")
    revisit_task_id = _answered_revisit(admin, unit, hq, customer)
    world = XssWorld(admin, ticket.pk, customer.pk, article.pk, member.pk, key)
    world.pages = {
        "ticket": reverse("tickets:detail", args=[ticket.pk]),
        "queue": reverse("tickets:list"),
        "customer-360": reverse("customers:detail", args=[customer.pk]),
        "customer-list": reverse("customers:list"),
        "search": reverse("core:search") + "?q=" + quote(SCRIPT),
        "queue-search": reverse("tickets:list") + "?status=all&q=" + quote(SCRIPT),
        "knowledge-article": reverse("knowledge:detail", args=[article.pk]),
        "knowledge-list": reverse("knowledge:list"),
        "member": reverse("members:detail", args=[member.pk]),
        "member-list": reverse("members:list"),
        "template": reverse("notifications:template_edit", args=[key]),
        "revisit-task": reverse("revisits:task", args=[revisit_task_id]),
        "surveys": reverse("surveys:results"),
        "dashboard": reverse("reports:dashboard"),
        "home": reverse("core:home"),
    }
    world.public_pages = {
        "public-kb-list": reverse("knowledge_public:list"),
        "public-kb-article": reverse("knowledge_public:detail", args=[article.pk]),
        "public-kb-search": reverse("knowledge_public:list") + "?q=" + quote(SCRIPT),
        "public-new-ticket": reverse("public:new") + "?title=" + quote(SCRIPT),
    }
    return world


def _answered_revisit(admin: User, unit: OrgUnit, hq: OrgUnit, customer: Any) -> int:
    """A revisit of a resolved repair ticket, completed with the payload as the free-text
    answer and the remarks."""
    from datetime import timedelta

    from kefu.core.choices import Role
    from kefu.core.services.users import create_user
    from kefu.revisits.models import RevisitTask
    from kefu.revisits.services import complete_task, generate_for_plan, save_plan
    from kefu.revisits.tests.fixtures import make_script
    from kefu.tickets.services.intake import create_ticket
    from kefu.tickets.services.work import change_status

    agent = create_user(
        actor=admin,
        username="rv-agent",
        password="s3cret-pass-123",
        display_name=SHORT,
        unit=unit,
        role=Role.AGENT,
    )
    script = make_script(admin)
    plan = save_plan(
        actor=admin,
        fields={
            "name": "XSS 回访",
            "kind": "after_resolution",
            "params": {"business_days": 2, "ticket_types": ["repair"], "sampling_rate": 1.0},
            "script": script,
            "unit": hq,
        },
        pool=[agent],
    )
    ticket = create_ticket(
        actor=admin,
        unit=unit,
        type="repair",
        channel="phone",
        title="回访用工单",
        customer=customer,
    )
    change_status(actor=admin, ticket=ticket, status="resolved", reason=ALL)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    generate_for_plan(actor=None, plan=plan, now=ticket.resolved_at + timedelta(days=10))
    task = RevisitTask.objects.get(ticket=ticket)
    rating, choice, text = script.questions.values_list("pk", flat=True)
    complete_task(
        actor=admin,
        task=task,
        answers={str(rating): "2", str(choice): "未解决", str(text): ALL},
        notes=ALL,
    )
    return task.pk


def problems(html: str) -> list[str]:
    """The raw payload fragments present in `html` (an empty list when all were escaped)."""
    return [m for m in RAW_MARKERS if m in html]


def shows_escaped(html: str) -> bool:
    return any(m in html for m in ESCAPED_MARKERS)
