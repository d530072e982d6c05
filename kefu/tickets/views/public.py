"""Public pages (no login): the web form that opens a ticket, and the customer self-lookup
(ticket number + phone → status and public replies). Both are rate limited per IP."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kefu.core.errors import DomainError
from kefu.core.middleware import client_ip
from kefu.customers.services import normalize_phone
from kefu.tickets import selectors
from kefu.tickets.choices import TicketType
from kefu.tickets.services import intake

SESSION_KEY = "kefu_public_ticket"
PUBLIC_TYPES = [
    (TicketType.ENQUIRY, _("Enquiry")),
    (TicketType.QUERY, _("Shipment / order query")),
    (TicketType.REPAIR, _("Repair")),
    (TicketType.AFTER_SALES, _("After-sales")),
    (TicketType.COMPLAINT, _("Complaint")),
    (TicketType.SUGGESTION, _("Suggestion")),
    (TicketType.PRAISE, _("Praise")),
]


def _phone_field() -> forms.CharField:
    return forms.CharField(label=_("Phone"), max_length=40)


def _check_phone(value: str) -> str:
    digits = normalize_phone(value)
    if not 5 <= len(digits) <= 20:
        raise forms.ValidationError(_("Enter a phone number we can call back."))
    return value.strip()


class PublicTicketForm(forms.Form):
    type = forms.ChoiceField(label=_("What is it about?"), choices=PUBLIC_TYPES)
    name = forms.CharField(label=_("Your name"), max_length=100)
    phone = _phone_field()
    email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=254)
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Details"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # honeypot: hidden from people, filled in by bots
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def clean_phone(self) -> str:
        return _check_phone(self.cleaned_data["phone"])


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=20)
    phone = _phone_field()

    def clean_phone(self) -> str:
        return _check_phone(self.cleaned_data["phone"])


def _over_limit(request: HttpRequest, bucket: str, setting: str, default: tuple[int, int]) -> bool:
    """Count this request against the IP's budget; True once the budget is spent."""
    limit, window = getattr(settings, setting, default)
    key = f"kefu:public:{bucket}:{client_ip(request) or ''}"
    if cache.add(key, 1, window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return bool(count > limit)


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/public/limited.html", status=429)


@require_http_methods(["GET", "POST"])
def new_ticket(request: HttpRequest) -> HttpResponse:
    form = PublicTicketForm(request.POST or None)
    if request.method == "POST":
        if _over_limit(request, "form", "KEFU_PUBLIC_FORM_RATE", (5, 600)):
            return _limited(request)
        if form.is_valid():
            return _submit(request, form)
    return render(request, "tickets/public/new.html", {"form": form})


def _submit(request: HttpRequest, form: PublicTicketForm) -> HttpResponse:
    data: dict[str, Any] = form.cleaned_data
    if data.get("website"):
        request.session[SESSION_KEY] = ""  # a bot: thank it, keep nothing
        return redirect("public:done")
    unit = intake.public_unit()
    if unit is None:
        return render(request, "tickets/public/unavailable.html", status=503)
    try:
        ticket = intake.submit_web_ticket(
            unit=unit,
            type=data["type"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            title=data["title"],
            description=data["description"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "tickets/public/new.html", {"form": form}, status=422)
    request.session[SESSION_KEY] = ticket.number
    return redirect("public:done")


def done(request: HttpRequest) -> HttpResponse:
    if SESSION_KEY not in request.session:
        return redirect("public:new")
    return render(request, "tickets/public/done.html", {"number": request.session[SESSION_KEY]})


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST":
        if _over_limit(request, "lookup", "KEFU_PUBLIC_LOOKUP_RATE", (10, 600)):
            return _limited(request)
        if form.is_valid():
            ticket = selectors.public_lookup(
                form.cleaned_data["number"], form.cleaned_data["phone"]
            )
            context["searched"] = True
            if ticket is not None:
                context["ticket"] = ticket
                context["events"] = list(selectors.ticket_events(ticket, public_only=True))
    return render(request, "tickets/public/lookup.html", context)
