from __future__ import annotations

from datetime import datetime, time

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from visitt.organisations.access import OrgRequest, org_view

from .forms import AuditFilterForm
from .models import AuditEvent
from .services import record

PAGE_SIZE = 50


@org_view("audit.view_auditevent")
def audit_log(request: OrgRequest) -> HttpResponse:
    """The organisation's audit trail, newest first, 50 a page (a fixed number of queries)."""
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.visible_to_organisation(request.organisation)
    filters: dict[str, str] = {}
    if form.is_bound and not form.is_valid():
        # A filter that cannot be understood shows nothing rather than everything.
        events = events.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_email__icontains=data["actor"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(
                created_at__gte=datetime.combine(data["date_from"], time.min, tz)
            )
        if data["date_to"]:
            events = events.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tz))
        filters = {name: str(value).strip() for name, value in data.items() if value}
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("side"))
    # Read the page now: the event written below must not shift it.
    page.object_list = list(page.object_list)
    # Reading the trail is itself recorded: it shows who looked at whom.
    record(request, AuditEvent.Action.AUDIT_READ, filters=filters, page=page.number)
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "audit/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
