"""消息模板 and 渠道设置: template editor with preview, channel settings with a test send."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError
from kefu.core.permissions import Perm
from kefu.core.selectors.scope import has_perm_at_top
from kefu.core.views.common import actor_of, deny_unless, is_htmx, perm_required
from kefu.notifications import selectors
from kefu.notifications.choices import Channel
from kefu.notifications.defaults import default_template
from kefu.notifications.forms import ChannelConfigForm, TemplateForm, TestSendForm
from kefu.notifications.services_manage import (
    check_template,
    reset_template,
    save_channel_config,
    save_template,
    send_test,
)

ROBOT_AND_SMS = (Channel.SMS, Channel.WECOM, Channel.DINGTALK)


@perm_required(Perm.CONFIGURE)
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/template_list.html", {"rows": selectors.templates()})


def _sample(key: str) -> str:
    fallback = default_template(key)
    return json.dumps((fallback.sample if fallback else None) or {}, ensure_ascii=False, indent=1)


@perm_required(Perm.CONFIGURE)
def template_edit(request: HttpRequest, key: str) -> HttpResponse:
    actor = actor_of(request)
    deny_unless(has_perm_at_top(actor, Perm.CONFIGURE))
    row = selectors.template_row(key)
    initial = {"subject": row.subject, "body": row.body, "active": row.active}
    form = TemplateForm(request.POST or None, initial={**initial, "sample": _sample(key)})
    preview = error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "reset" in request.POST:
                reset_template(actor=actor, key=key)
                messages.success(request, _("The built-in default applies again."))
                return redirect("notifications:template_edit", key=key)
            preview = check_template(data["subject"], data["body"], data["sample"])
            if "save" in request.POST:
                save_template(
                    actor=actor,
                    key=key,
                    subject=data["subject"],
                    body=data["body"],
                    active=data["active"],
                )
                messages.success(request, _("Template saved."))
                return redirect("notifications:template_list")
        except DomainError as exc:
            error = exc.message
    context = {"row": row, "form": form, "preview": preview, "error": error}
    partial = is_htmx(request) and "save" not in request.POST
    name = "notifications/partials/preview.html" if partial else "notifications/template_edit.html"
    return render(request, name, context)


@perm_required(Perm.CONFIGURE)
def channel_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    deny_unless(has_perm_at_top(actor, Perm.CONFIGURE))
    configs = selectors.channel_configs()
    posted = request.POST.get("channel") if request.method == "POST" else None
    cards = []
    for channel in ROBOT_AND_SMS:
        config = configs.get(channel)
        initial = {
            "enabled": config.enabled if config else True,
            "provider": config.provider if config else "console",
            "endpoint": config.endpoint if config else "",
            "key_id": config.key_id if config else "",
            "sign_name": config.sign_name if config else "",
            "template_codes": json.dumps(
                (config.options or {}).get("template_codes", {}) if config else {},
                ensure_ascii=False,
            ),
        }
        data = request.POST if posted == channel else None
        form = ChannelConfigForm(data, initial=initial, prefix=channel)
        if data is not None and form.is_valid():
            d = form.cleaned_data
            try:
                save_channel_config(
                    actor=actor,
                    channel=channel,
                    enabled=d["enabled"],
                    provider=d["provider"] if channel == Channel.SMS else "",
                    endpoint=d["endpoint"],
                    key_id=d["key_id"],
                    secret=d["secret"] or None,
                    sign_name=d["sign_name"],
                    options={"template_codes": d["template_codes"]},
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Channel settings saved."))
                return redirect("notifications:channels")
        test_form = TestSendForm(prefix=f"test-{channel}")
        cards.append(
            {
                "channel": channel,
                "label": Channel(channel).label,
                "config": config,
                "form": form,
                "test_form": test_form,
            }
        )
    return render(request, "notifications/channels.html", {"cards": cards})


@require_POST
@perm_required(Perm.CONFIGURE)
def channel_test(request: HttpRequest, channel: str) -> HttpResponse:
    actor = actor_of(request)
    form = TestSendForm(request.POST, prefix=f"test-{channel}")
    to = form.cleaned_data["to"] if form.is_valid() else ""
    try:
        message = send_test(actor=actor, channel=channel, to=to)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notifications:channels")
    messages.success(request, _("Test message queued; its outcome is shown below."))
    return redirect("notifications:outbox_detail", pk=message.pk)
