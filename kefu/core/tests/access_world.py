"""Two complete data sets for the access matrix: one in 上海一店 (华东, "own") and one in
广州一店 (华南, "other"), each carrying unique markers, built through the services.

`Side.ids` maps a path-parameter key (see access_matrix.PARAM_KEYS) to the id of the row of
that side; `Side.markers` are strings that only that side's rows contain (names, phones
unmasked and masked, ticket numbers, member numbers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kefu.core.choices import Role
from kefu.core.models import ApiToken, ImportJob, OrgUnit, UnitAssignment, User
from kefu.customers.models import DuplicatePair
from kefu.customers.privacy import mask_phone
from kefu.customers.services import create_customer
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.services import create_article
from kefu.members.models import Greeting
from kefu.members.services.audit import file_member
from kefu.members.services.purchases import record_purchase
from kefu.members.services.registration import register_member
from kefu.members.tests.factories import id_number
from kefu.notifications.models import InAppNotification
from kefu.notifications.services import queue_message
from kefu.revisits.models import RevisitTask
from kefu.revisits.services import generate_for_plan, save_plan
from kefu.revisits.tests.fixtures import make_script
from kefu.sla.models import Alert
from kefu.surveys.services import create_survey
from kefu.surveys.services_invitations import invite
from kefu.tickets.models import SavedView
from kefu.tickets.services.attachments import add_attachment
from kefu.tickets.services.intake import create_ticket
from kefu.tickets.services.work import assign_ticket, change_status

OWN_MARK = "OWNUNIT-MARK-2b1c"
OTHER_MARK = "OTHERUNIT-MARK-7f3a"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Side:
    name: str
    store: OrgUnit
    region: OrgUnit
    ids: dict[str, Any] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    # per-user rows (in-app notifications, alerts, tokens, saved views) belong to this user
    worker: User | None = None


def _phone(base: str, n: int) -> str:
    return f"{base}{n:04d}"


def build_side(
    *,
    name: str,
    mark: str,
    phone_base: str,
    store: OrgUnit,
    region: OrgUnit,
    admin: User,
    make_user: Any,
    n: int,
) -> Side:
    """One unit's rows. `phone_base` is seven digits; numbers get four more."""
    side = Side(name=name, store=store, region=region)
    worker = make_user(
        Role.SUPERVISOR, region, username=f"{name}-worker", display_name=f"{mark}-坐席"
    )
    side.worker = worker
    phones = [_phone(phone_base, i) for i in range(1, 6)]
    cust = create_customer(
        actor=admin,
        unit=store,
        name=f"{mark}-客户",
        phones=[phones[0]],
        email=f"{name}-cust@example.com",
        contacts=[{"name": f"{mark}-联系人", "phone": phones[1]}],
        addresses=[{"detail": f"{mark}-地址 1号"}],
    )
    twin = create_customer(actor=admin, unit=store, name=f"{mark}-客户二", phones=[phones[2]])
    pair = DuplicatePair.objects.create(
        customer_a=cust if cust.pk < twin.pk else twin,
        customer_b=twin if cust.pk < twin.pk else cust,
        score=0.9,
        reasons=[{"code": "similar_name"}],
    )
    ticket = create_ticket(
        actor=admin,
        unit=store,
        type="enquiry",
        channel="phone",
        title=f"{mark}-查询",
        description=f"{mark} 描述",
        customer=cust,
        contact_name=f"{mark}-联系人",
        contact_phone=phones[0],
    )
    complaint = create_ticket(
        actor=admin,
        unit=store,
        type="complaint",
        channel="phone",
        title=f"{mark}-投诉",
        customer=cust,
        contact_name=f"{mark}-投诉人",
        contact_phone=phones[0],
    )
    resolved = create_ticket(
        actor=admin,
        unit=store,
        type="repair",
        channel="phone",
        title=f"{mark}-维修",
        customer=cust,
        contact_name=f"{mark}-报修人",
        contact_phone=phones[0],
        contact_email=f"{name}-cust@example.com",
    )
    assign_ticket(actor=admin, ticket=resolved, assignee=worker)
    resolved = change_status(
        actor=admin, ticket=resolved, status="resolved", now=timezone.now() - timedelta(days=10)
    )
    attachment = add_attachment(
        actor=admin,
        ticket=ticket,
        event=None,
        upload=SimpleUploadedFile(f"{name}.png", PNG, content_type="image/png"),
    )
    member = register_member(
        actor=admin,
        unit=store,
        name=f"{mark}-会员",
        phone=phones[3],
        id_number=id_number(n),
        gender="female",
        birthday=date(1990, 3, 7),
        address="上海市黄浦区南京东路100号",
    )
    member = file_member(actor=admin, member=member)
    record_purchase(
        actor=admin,
        member=member,
        amount=Decimal("100"),
        unit=store,
        receipt_number=f"{name}-R1",
        purchased_at=timezone.now() - timedelta(days=1),
    )
    greeting = Greeting.objects.create(member=member, on_date=timezone.localdate())
    script = make_script(admin)
    plan = save_plan(
        actor=admin,
        fields={
            "name": f"{mark}-回访计划",
            "kind": "after_resolution",
            "params": {"business_days": 1, "ticket_types": ["repair"], "sampling_rate": 1.0},
            "script": script,
            "unit": region,
        },
        pool=[worker],
    )
    generate_for_plan(actor=None, plan=plan, now=timezone.now())
    task = RevisitTask.objects.filter(plan=plan).first()
    assert task is not None, "the revisit plan generated no task"
    survey = create_survey(
        actor=admin, unit=region, kind="csat", title=f"{mark}-调查", question="满意吗？"
    )
    invited = invite(actor=admin, ticket=resolved, survey=survey, channel="link")
    article = create_article(
        actor=admin,
        unit=store,
        title=f"{mark}-知识",
        body=f"{mark} 正文",
        status=ArticleStatus.PUBLISHED,
        visibility=Visibility.INTERNAL,
    )
    message = queue_message(
        actor=admin,
        channel="sms",
        to=phones[4],
        template="member.birthday",
        context={"name": f"{mark}-会员"},
        customer=cust,
    )
    assert message is not None
    inapp = InAppNotification.objects.create(
        user=worker, title=f"{mark}-站内信", body=f"{mark} 站内信正文"
    )
    alert = Alert.objects.create(
        user=worker,
        ticket=ticket,
        kind="warning",
        text=f"{mark}-提醒",
        key=f"{name}-alert",
        created_at=timezone.now(),
    )
    job = ImportJob.objects.create(
        importer="customers",
        actor=worker,
        unit=store,
        original_name=f"{mark}.xlsx",
        status="validated",
        file=ContentFile(b"PK", name=f"{name}.xlsx"),
    )
    view = SavedView.objects.create(user=worker, name=f"{mark}-视图", query="q=x")
    token = ApiToken.objects.create(
        user=worker, name=f"{mark}-token", prefix=f"{name[:4]}tok", key_hash=f"{name}-hash"
    )
    assignment = UnitAssignment.objects.get(user=worker, unit=region)
    side.ids.update(
        unit=store.pk,
        region=region.pk,
        user=worker.pk,
        assignment=assignment.pk,
        customer=cust.pk,
        phone=cust.phones.first().pk,  # type: ignore[union-attr]
        contact=cust.contacts.first().pk,  # type: ignore[union-attr]
        address=cust.addresses.first().pk,  # type: ignore[union-attr]
        pair=pair.pk,
        ticket=ticket.pk,
        complaint=complaint.pk,
        attachment=attachment.pk,
        member=member.pk,
        greeting=greeting.pk,
        plan=plan.pk,
        script=script.pk,
        task=task.pk,
        survey=survey.pk,
        survey_token=invited.token,
        article=article.pk,
        message=message.pk,
        inapp=inapp.pk,
        alert=alert.pk,
        job=job.pk,
        view=view.pk,
        token=token.pk,
    )
    side.markers = [
        mark,
        *phones[:5],
        *(mask_phone(p) for p in phones[:5]),
        ticket.number,
        complaint.number,
        resolved.number,
        f"{name}-cust@example.com",
    ]
    side.markers.append(member.card_number)
    return side
