"""Visits: list, create, edit, the detail page and its lifecycle actions (confirm,
postpone, conducted, delete — never cancel), the checklist, the conversation group (for
the coordinator and through the contact person's link) and the profession list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from visitt.organisations.access import OrgRequest, get_in_organisation, org_view, public_view
from visitt.walkround.access import can_read_notes
from visitt.walkround.progress import phase2_steps

from . import services
from .checklist import ChecklistItem, checklist_for
from .forms_visits import (
    ParticipantForm,
    PostponeForm,
    ProfessionForm,
    VisitFilterForm,
    VisitForm,
)
from .group import GroupLink, Participant, Profession, group_warnings
from .visits import Visit, VisitTransitionError

PAGE_SIZE = 25
RECENT_DAYS = 30  # "recent and upcoming" starts this many days back


def _visit(request: OrgRequest, visit_pk: int) -> Visit:
    """One visit of the current organisation with its team (one query), or 404."""
    queryset = Visit.objects.with_team().select_related("organisation", "parent__unit")
    return get_in_organisation(request, queryset, pk=visit_pk)


def _posted_version(request: HttpRequest) -> int:
    """The version the form was opened with (optimistic locking); 0, which no visit has,
    when it is missing, so that such a save is refused as stale."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0


def _opened_version(request: HttpRequest, visit: Visit) -> int:
    """The version for the form's hidden field: a refused form keeps the one it was
    opened with, so that a stale form stays stale."""
    return _posted_version(request) if request.method == "POST" else visit.version


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


# --- The list ------------------------------------------------------------------------------


@org_view("planning.view_visits")
def visit_list(request: OrgRequest) -> HttpResponse:
    """The organisation's visits, 25 a page, with their warnings (a fixed number of queries)."""
    org = request.organisation
    form = VisitFilterForm(request.GET or None, organisation=org)
    visits: QuerySet[Visit] = (
        Visit.objects.for_organisation(org).with_team().prefetch_related("participants")
    )
    period = "current"
    if form.is_bound and not form.is_valid():
        # A filter that cannot be understood shows nothing rather than everything.
        visits = visits.none()
    elif form.is_bound:
        data = form.cleaned_data
        period = data["period"] or period
        if data["status"]:
            visits = visits.filter(status=data["status"])
        if data["unit"]:
            visits = visits.filter(unit=data["unit"])
    today = timezone.localdate()
    if period == "current":
        visits = visits.filter(date__gte=today - timedelta(days=RECENT_DAYS)).order_by(
            "date", "start_time", "pk"
        )
    elif period == "past":
        visits = visits.filter(date__lt=today).order_by("-date", "-start_time", "-pk")
    else:
        visits = visits.order_by("-date", "-start_time", "-pk")
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("side"))
    page.object_list = list(page.object_list)
    services.attach_warnings(org, page.object_list)
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "planning/visit_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "period": period, "today": today},
        status=400 if form.errors else 200,
    )


# --- Create and edit ---------------------------------------------------------------------


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def visit_create(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    initial: dict[str, Any] = {}
    parent_pk = request.GET.get("folger_opp", "")
    if parent_pk.isdigit():
        # "Plan a follow-up visit" from a walkround's page.
        parent = get_in_organisation(
            request, Visit.objects.filter(kind=Visit.Kind.MAIN), pk=parent_pk
        )
        initial = {"kind": Visit.Kind.FOLLOW_UP, "parent": parent.pk, "unit": parent.unit_id}
    form = VisitForm(request.POST or None, organisation=org, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.create_visit(request, form.cleaned_data)
        messages.success(request, _("The visit is planned."))
        _warn(request, saved.warnings)
        return redirect("visit_detail", visit_pk=saved.visit.pk)
    return render(
        request, "planning/visit_form.html", {"form": form}, status=400 if form.errors else 200
    )


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def visit_edit(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    form = VisitForm(request.POST or None, instance=visit, organisation=request.organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_visit(
                request, visit, form.cleaned_data, version=_posted_version(request)
            )
        except services.StaleVisitError as error:
            form.add_error(None, str(error))
            status = 409
        except services.VisitChangeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The visit is saved."))
            _warn(request, saved.warnings)
            return redirect("visit_detail", visit_pk=visit.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "planning/visit_form.html",
        {"form": form, "visit": visit, "version": _opened_version(request, visit)},
        status=status,
    )


# --- The detail page and its actions -------------------------------------------------------


def _detail(
    request: OrgRequest, visit: Visit, *, error: str = "", status: int = 200
) -> HttpResponse:
    participants = list(visit.participants.select_related("profession"))
    automatic = {str(key) for key in ChecklistItem.AUTOMATIC}
    checklist = [
        {"key": key, "label": label, "item": item, "automatic": key in automatic}
        for key, label, item in checklist_for(visit)
    ]
    notes_open = request.user.has_perm(
        "walkround.view_notes", request.organisation
    ) and can_read_notes(request.user, visit, request.roles)
    context = {
        "visit": visit,
        "error": error,
        "warnings": services.warnings_for(visit),
        "participants": participants,
        "group_warnings": group_warnings(participants, visit),
        "postponements": list(visit.postponements.select_related("postponed_by")),
        "checklist": checklist,
        "group_link": GroupLink.objects.valid().filter(visit=visit).order_by("-created_at").first(),
        "can_manage": request.user.has_perm("planning.manage_visits", request.organisation),
        "today": timezone.localdate(),
        "phase2": phase2_steps(visit),
        "follow_up": visit.follow_ups.order_by("pk").first()
        if visit.kind == Visit.Kind.MAIN
        else None,
        "can_read_notes": notes_open,
        "can_edit_notes": notes_open
        and request.user.has_perm("walkround.edit_notes", request.organisation),
    }
    return render(request, "planning/visit_detail.html", context, status=status)


@org_view("planning.view_visits")
def visit_detail(request: OrgRequest, visit_pk: int) -> HttpResponse:
    return _detail(request, _visit(request, visit_pk))


@org_view("planning.manage_visits")
@require_POST
def visit_confirm(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        services.confirm_visit(request, visit)
    except VisitTransitionError as error:
        return _detail(request, visit, error=str(error), status=400)
    messages.success(request, _("The visit is confirmed."))
    return redirect("visit_detail", visit_pk=visit.pk)


@org_view("planning.manage_visits")
@require_POST
def visit_conducted(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        services.mark_conducted(request, visit)
    except VisitTransitionError as error:
        return _detail(request, visit, error=str(error), status=400)
    messages.success(request, _("The visit is marked as conducted."))
    return redirect("visit_detail", visit_pk=visit.pk)


@org_view("planning.manage_visits")
@require_POST
def visit_delete(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        services.delete_visit(request, visit)
    except services.VisitChangeError as error:
        return _detail(request, visit, error=str(error), status=400)
    messages.success(
        request,
        _("The visit to %(unit)s on %(date)s is deleted.")
        % {"unit": visit.unit, "date": formats.date_format(visit.date, "DATE_FORMAT")},
    )
    return redirect("visit_list")


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def visit_postpone(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """A new date (and optionally time) with a reason; the old date stays in the history.
    The method: visits are never cancelled, only postponed in exceptional cases."""
    visit = _visit(request, visit_pk)
    form = PostponeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.postpone_visit(
                request,
                visit,
                to_date=data["to_date"],
                to_time=data["to_time"],
                reason=data["reason"],
                version=_posted_version(request),
            )
        except services.StaleVisitError as error:
            form.add_error(None, str(error))
            status = 409
        except VisitTransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The visit is postponed. The unit must confirm the new date.")
            )
            return redirect("visit_detail", visit_pk=visit.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "planning/visit_postpone.html",
        {"form": form, "visit": visit, "version": _opened_version(request, visit)},
        status=status,
    )


@org_view("planning.manage_visits")
@require_POST
def visit_checklist(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    try:
        services.set_checklist_item(
            request, visit, request.POST.get("key", ""), done=request.POST.get("done") == "1"
        )
    except services.VisitChangeError as error:
        return _detail(request, visit, error=str(error), status=400)
    messages.success(request, _("The checklist is saved."))
    return redirect(reverse("visit_detail", kwargs={"visit_pk": visit.pk}) + "#checklist")


# --- The conversation group ----------------------------------------------------------------


def _participant(visit: Visit, pk: str) -> Participant:
    """A participant of *this* visit, or 404: a link or a page for one visit can never
    reach another visit's group."""
    participant = visit.participants.filter(pk=int(pk)).first() if pk.isdigit() else None
    if participant is None:
        raise Http404
    return participant


def _group_page(
    request: HttpRequest,
    visit: Visit,
    *,
    template: str,
    via_link: bool,
    context: dict[str, Any],
) -> HttpResponse:
    """The group for the coordinator and for the contact person's link alike: the list,
    an add form (or the edit form of one participant), removing, and the warnings."""
    organisation = visit.organisation
    Profession.ensure_defaults(organisation)
    status = 200
    editing: Participant | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("save", "remove"):
            editing = _participant(visit, request.POST.get("participant", ""))
        elif action != "add":
            return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
        if action == "remove":
            assert editing is not None
            services.remove_participant(request, visit, editing, via_link=via_link)
            messages.success(
                request, _("%(name)s is removed from the group.") % {"name": editing.name}
            )
            return redirect(request.path)
        form = ParticipantForm(request.POST, instance=editing, organisation=organisation)
        if form.is_valid():
            try:
                participant = services.save_participant(
                    request, visit, form.cleaned_data, editing, via_link=via_link
                )
            except services.GroupFullError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("%(name)s is saved in the group.") % {"name": participant.name}
                )
                return redirect(request.path)
        status = 400
    else:
        if "endre" in request.GET:
            editing = _participant(visit, request.GET["endre"])
        form = ParticipantForm(instance=editing, organisation=organisation)
    participants = list(visit.participants.select_related("profession"))
    return render(
        request,
        template,
        {
            "visit": visit,
            "participants": participants,
            "group_warnings": group_warnings(participants, visit),
            "form": form,
            "editing": editing,
            "group_full": len(participants) >= services.MAX_GROUP_SIZE,
            "max_group_size": services.MAX_GROUP_SIZE,
            **context,
        },
        status=status,
    )


@org_view("planning.manage_visits")
@require_http_methods(["GET", "POST"])
def visit_group(request: OrgRequest, visit_pk: int) -> HttpResponse:
    visit = _visit(request, visit_pk)
    context = {
        "group_link": GroupLink.objects.valid().filter(visit=visit).order_by("-created_at").first(),
        "can_manage_professions": request.user.has_perm(
            "planning.manage_professions", request.organisation
        ),
        "link_possible": GroupLink.expiry_for(visit) > timezone.now(),
    }
    return _group_page(
        request, visit, template="planning/group_edit.html", via_link=False, context=context
    )


@org_view("planning.manage_visits")
@never_cache
@require_POST
def visit_group_link(request: OrgRequest, visit_pk: int) -> HttpResponse:
    """Makes a new link for the contact person. Shown once, here (only its hash is
    stored), or e-mailed to the contact person by the task worker."""
    visit = _visit(request, visit_pk)
    try:
        if request.POST.get("how") == "email":
            services.email_group_link(request, visit)
        else:
            link, token = services.issue_group_link(request, visit)
            url = request.build_absolute_uri(reverse("group_link_fill", args=[token]))
            return render(
                request,
                "planning/group_link_issued.html",
                {"visit": visit, "link": link, "url": url},
            )
    except services.VisitChangeError as error:
        return render(
            request,
            "planning/group_link_issued.html",
            {"visit": visit, "error": str(error)},
            status=400,
        )
    messages.success(
        request,
        _("A new link is on its way to %(email)s. Older links stop working when it is sent.")
        % {"email": visit.contact_email},
    )
    return redirect("visit_group", visit_pk=visit.pk)


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def group_link_fill(request: HttpRequest, token: str) -> HttpResponse:
    """The contact person's page (no account): the group of one visit, until the end of
    the visit day. Shows nothing about the leadership team."""
    link, problem = services.find_group_link(token)
    if problem is not None:
        return render(
            request,
            "planning/group_link_invalid.html",
            {"reason": problem},
            status=404 if problem == services.LinkState.UNKNOWN else 410,
        )
    assert link is not None
    return _group_page(
        request,
        link.visit,
        template="planning/group_link_fill.html",
        via_link=True,
        context={"link": link},
    )


# --- The organisation's professions --------------------------------------------------------


@org_view("planning.manage_professions")
@require_http_methods(["GET", "POST"])
def professions(request: OrgRequest) -> HttpResponse:
    """The list participants' professions are chosen from: add, rename, reorder,
    deactivate. A profession is never deleted, since participants refer to it."""
    org = request.organisation
    Profession.ensure_defaults(org)
    renaming: Profession | None = None
    form = ProfessionForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        profession = None
        if action != "add":
            pk = request.POST.get("profession", "")
            if not pk.isdigit():
                return HttpResponse(
                    _("Choose a profession."), status=400, content_type="text/plain"
                )
            profession = get_in_organisation(request, Profession, pk=pk)
        try:
            if action in ("add", "rename"):
                form = ProfessionForm(request.POST)
                renaming = profession
                if form.is_valid():
                    if profession is None:
                        services.add_profession(request, form.cleaned_data["name"])
                    else:
                        services.rename_profession(request, profession, form.cleaned_data["name"])
                    messages.success(request, _("The list of professions is saved."))
                    return redirect("professions")
            elif action in ("up", "down") and profession is not None:
                services.move_profession(request, profession, -1 if action == "up" else 1)
                return redirect("professions")
            elif action in ("deactivate", "activate") and profession is not None:
                services.set_profession_active(request, profession, action == "activate")
                messages.success(request, _("The list of professions is saved."))
                return redirect("professions")
            else:
                return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
        except services.ProfessionError as error:
            form.add_error("name", str(error))
        status = 400
    elif request.GET.get("endre", "").isdigit():
        renaming = get_in_organisation(request, Profession, pk=request.GET["endre"])
        form = ProfessionForm(initial={"name": renaming.name})
    return render(
        request,
        "planning/professions.html",
        {
            "professions": list(Profession.objects.filter(organisation=org)),
            "form": form,
            "renaming": renaming,
        },
        status=status,
    )
