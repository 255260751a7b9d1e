"""The administrator's pages: the organisation, its units and its people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.audit.services import record

from . import invitations
from .access import OrgRequest, get_in_organisation, org_view, public_view
from .forms import (
    AcceptInvitationForm,
    InvitationForm,
    OrganisationForm,
    RolesForm,
    UnitForm,
    UnitImportForm,
)
from .middleware import SESSION_KEY
from .models import Invitation, Membership, Role, Unit
from .tree import build_tree
from .unit_import import import_units

A = AuditEvent.Action


# --- Organisation -----------------------------------------------------------------


@org_view("organisations.manage_organisation")
@require_http_methods(["GET", "POST"])
def organisation_settings(request: OrgRequest) -> HttpResponse:
    org = request.organisation
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=org)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            record(request, A.ORGANISATION_CHANGED, target=org, fields=form.changed_data)
            messages.success(request, _("The organisation is saved."))
            return redirect("organisation_settings")
        org.refresh_from_db()  # the form changed the instance in memory; show stored data
    return render(
        request, "organisations/settings.html", {"form": form}, status=400 if form.errors else 200
    )


@org_view()
def organisation_logo(request: OrgRequest) -> FileResponse:
    logo = request.organisation.logo
    if not logo:
        raise Http404
    return FileResponse(logo.open("rb"))


@org_view()
@require_POST
def switch_organisation(request: OrgRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    membership = next((m for m in request.memberships if str(m.organisation_id) == wanted), None)
    if membership is None:
        # Not a member there (or not any more): refuse without saying whether it exists.
        raise Http404
    request.session[SESSION_KEY] = membership.organisation_id
    membership.last_used_at = timezone.now()
    membership.save(update_fields=["last_used_at"])
    record(request, A.ORGANISATION_SWITCHED, organisation=membership.organisation)
    messages.success(
        request, _("You are now working in %(org)s.") % {"org": membership.organisation}
    )
    return redirect("home")


# --- Units --------------------------------------------------------------------------


@org_view("organisations.manage_units")
def unit_list(request: OrgRequest) -> HttpResponse:
    """The unit tree, in one query however many units there are."""
    units = list(Unit.objects.for_organisation(request.organisation).order_by("name"))
    show_inactive = request.GET.get("vis") == "alle"
    return render(
        request,
        "organisations/unit_list.html",
        {
            "tree": build_tree(units, include_inactive=show_inactive),
            "show_inactive": show_inactive,
            "inactive_count": sum(1 for unit in units if not unit.is_active),
        },
    )


@org_view("organisations.manage_units")
@require_http_methods(["GET", "POST"])
def unit_create(request: OrgRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        record(request, A.UNIT_CREATED, target=unit)
        messages.success(request, _("The unit %(name)s is created.") % {"name": unit.name})
        return redirect("unit_list")
    return render(
        request, "organisations/unit_form.html", {"form": form}, status=400 if form.errors else 200
    )


@org_view("organisations.manage_units")
@require_http_methods(["GET", "POST"])
def unit_edit(request: OrgRequest, unit_pk: int) -> HttpResponse:
    unit = get_in_organisation(request, Unit, pk=unit_pk)
    form = UnitForm(request.POST or None, instance=unit, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request, A.UNIT_CHANGED, target=unit, fields=form.changed_data)
        messages.success(request, _("The unit %(name)s is saved.") % {"name": unit.name})
        return redirect("unit_list")
    return render(
        request,
        "organisations/unit_form.html",
        {"form": form, "unit": unit},
        status=400 if form.errors else 200,
    )


@org_view("organisations.manage_units")
@require_POST
def unit_deactivate(request: OrgRequest, unit_pk: int) -> HttpResponse:
    unit = get_in_organisation(request, Unit, pk=unit_pk)
    if unit.children.filter(is_active=True).exists():
        messages.error(
            request,
            _("%(name)s has active units under it. Move or deactivate them first.")
            % {"name": unit.name},
        )
        return redirect("unit_list")
    if unit.is_active:
        unit.deactivate()
        record(request, A.UNIT_DEACTIVATED, target=unit)
    messages.success(
        request,
        _("%(name)s is deactivated. Its history is kept, and it can be reactivated.")
        % {"name": unit.name},
    )
    return redirect("unit_list")


@org_view("organisations.manage_units")
@require_POST
def unit_reactivate(request: OrgRequest, unit_pk: int) -> HttpResponse:
    unit = get_in_organisation(request, Unit, pk=unit_pk)
    if unit.parent is not None and not unit.parent.is_active:
        messages.error(request, _("Reactivate %(parent)s first.") % {"parent": unit.parent.name})
        return redirect("unit_list")
    if not unit.is_active:
        unit.reactivate()
        record(request, A.UNIT_REACTIVATED, target=unit)
    messages.success(request, _("%(name)s is active again.") % {"name": unit.name})
    return redirect("unit_list")


@org_view("organisations.manage_units")
@require_POST
def unit_delete(request: OrgRequest, unit_pk: int) -> HttpResponse:
    """Deletes a unit registered by mistake. One with any history is refused by the database."""
    unit = get_in_organisation(request, Unit, pk=unit_pk)
    name = unit.name
    try:
        with transaction.atomic():
            unit.delete()
            record(request, A.UNIT_DELETED, name=name, unit_id=unit_pk)
    except (ProtectedError, RestrictedError):
        messages.error(
            request,
            _(
                "%(name)s has history (units under it, visits or other records) and cannot be deleted. Deactivate it instead."
            )
            % {"name": name},
        )
        return redirect("unit_list")
    messages.success(request, _("%(name)s is deleted.") % {"name": name})
    return redirect("unit_list")


@org_view("organisations.manage_units")
@require_http_methods(["GET", "POST"])
def unit_import(request: OrgRequest) -> HttpResponse:
    form = UnitImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_units(request.organisation, form.cleaned_data["file"].read())
        if result.ok:
            record(request, A.UNITS_IMPORTED, count=len(result.created))
            messages.success(
                request, _("%(count)d units are imported.") % {"count": len(result.created)}
            )
            return redirect("unit_list")
    status = 400 if form.errors or (result and not result.ok) else 200
    return render(
        request, "organisations/unit_import.html", {"form": form, "result": result}, status=status
    )


# --- People -------------------------------------------------------------------------


@org_view("organisations.manage_people")
def people_list(request: OrgRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(organisation=request.organisation)
        .select_related("user")
        .prefetch_related("grants")
        .order_by("-is_active", "user__full_name", "user__email")
    )
    pending = Invitation.objects.pending().filter(organisation=request.organisation)
    return render(
        request,
        "organisations/people_list.html",
        {"memberships": memberships, "invitations": pending},
    )


@org_view("organisations.manage_people")
@require_http_methods(["GET", "POST"])
def person_invite(request: OrgRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            invitation = invitations.invite(
                request,
                request.organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
            )
        messages.success(
            request, _("An invitation is on its way to %(email)s.") % {"email": invitation.email}
        )
        return redirect("people_list")
    return render(
        request,
        "organisations/person_invite.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@org_view("organisations.manage_people")
@require_POST
def invitation_resend(request: OrgRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_in_organisation(request, Invitation.objects.pending(), pk=invitation_pk)
    with transaction.atomic():
        invitations.resend(request, invitation)
    messages.success(
        request, _("The invitation to %(email)s is sent again.") % {"email": invitation.email}
    )
    return redirect("people_list")


@org_view("organisations.manage_people")
@require_POST
def invitation_revoke(request: OrgRequest, invitation_pk: int) -> HttpResponse:
    invitation = get_in_organisation(request, Invitation.objects.pending(), pk=invitation_pk)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(request, A.INVITATION_REVOKED, target=invitation)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
    )
    return redirect("people_list")


def _last_active_admin(membership: Membership) -> bool:
    return not (
        Membership.objects.active()
        .filter(organisation=membership.organisation, grants__role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


@org_view("organisations.manage_people")
@require_http_methods(["GET", "POST"])
def person_edit(request: OrgRequest, membership_pk: int) -> HttpResponse:
    membership = get_in_organisation(
        request,
        Membership.objects.select_related("user").prefetch_related("grants"),
        pk=membership_pk,
    )
    initial = {"roles": membership.role_codes, "title": membership.title}
    form = RolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        roles = set(form.cleaned_data["roles"])
        if (
            Role.ADMIN in membership.role_codes
            and Role.ADMIN not in roles
            and _last_active_admin(membership)
        ):
            form.add_error("roles", _("The organisation must have at least one administrator."))
        else:
            with transaction.atomic():
                added, removed = membership.set_roles(roles)
                membership.title = form.cleaned_data["title"]
                membership.save(update_fields=["title"])
                record(
                    request,
                    A.ROLES_CHANGED,
                    target=membership,
                    added=sorted(added),
                    removed=sorted(removed),
                )
            messages.success(
                request, _("The roles of %(person)s are saved.") % {"person": membership.user}
            )
            return redirect("people_list")
    return render(
        request,
        "organisations/person_edit.html",
        {"form": form, "membership": membership},
        status=400 if form.errors else 200,
    )


@org_view("organisations.manage_people")
@require_POST
def person_deactivate(request: OrgRequest, membership_pk: int) -> HttpResponse:
    membership = get_in_organisation(
        request, Membership.objects.select_related("user"), pk=membership_pk
    )
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
        return redirect("people_list")
    if Role.ADMIN in membership.role_codes and _last_active_admin(membership):
        messages.error(request, _("The organisation must have at least one administrator."))
        return redirect("people_list")
    if membership.is_active:
        membership.deactivate()
        record(request, A.MEMBERSHIP_DEACTIVATED, target=membership)
    messages.success(
        request,
        _("%(person)s no longer has access to %(org)s.")
        % {"person": membership.user, "org": request.organisation},
    )
    return redirect("people_list")


@org_view("organisations.manage_people")
@require_POST
def person_reactivate(request: OrgRequest, membership_pk: int) -> HttpResponse:
    membership = get_in_organisation(
        request, Membership.objects.select_related("user"), pk=membership_pk
    )
    if not membership.is_active:
        membership.reactivate()
        record(request, A.MEMBERSHIP_REACTIVATED, target=membership)
    messages.success(request, _("%(person)s has access again.") % {"person": membership.user})
    return redirect("people_list")


# --- Accepting an invitation (no account needed yet) ---------------------------------


def _invitation_gone(request: HttpRequest) -> HttpResponse:
    """Used or withdrawn while the person was accepting it."""
    return render(request, "organisations/invitation_invalid.html", {"reason": "used"}, status=410)


@public_view
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    if invitation is None or invitation.revoked_at is not None:
        return render(
            request, "organisations/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if invitation.accepted_at is not None:
        return _invitation_gone(request)
    if invitation.is_expired:
        return render(
            request, "organisations/invitation_invalid.html", {"reason": "expired"}, status=410
        )

    existing = User.objects.filter(email__iexact=invitation.email).first()
    context: dict = {"invitation": invitation, "existing": existing}
    if existing is not None:
        # The address already has an account: join with it, signed in as that person.
        if not request.user.is_authenticated or request.user.pk != existing.pk:
            return render(request, "organisations/invitation_sign_in.html", context)
        if request.method == "POST":
            try:
                invitations.accept(request, invitation, existing)
            except invitations.InvitationNotPending:
                return _invitation_gone(request)
            request.session[SESSION_KEY] = invitation.organisation_id
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organisation})
            return redirect("home")
        return render(request, "organisations/invitation_join.html", context)

    form = AcceptInvitationForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        candidate = User(email=invitation.email, full_name=form.cleaned_data["full_name"])
        try:
            validate_password(form.cleaned_data["password1"], candidate)
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            try:
                with transaction.atomic():
                    # Lock the invitation before creating the account, so a double
                    # submit waits here and then finds the invitation used.
                    if not Invitation.objects.select_for_update().get(pk=invitation.pk).is_pending:
                        raise invitations.InvitationNotPending
                    user = User.objects.create_user(
                        invitation.email,
                        form.cleaned_data["password1"],
                        full_name=form.cleaned_data["full_name"],
                        language=invitation.organisation.language,
                    )
                    invitations.accept(request, invitation, user)
            except invitations.InvitationNotPending:
                return _invitation_gone(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = invitation.organisation_id
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organisation})
            return redirect("home")
    context["form"] = form
    return render(
        request, "organisations/invitation_accept.html", context, status=400 if form.errors else 200
    )
