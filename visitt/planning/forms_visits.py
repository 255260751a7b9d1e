"""Forms for a visit, its postponement, the conversation group and the profession list.
Forms validate input; the rules that span records are in services.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from visitt.accounts.models import User
from visitt.organisations.models import Organisation, Role, Unit

from . import services
from .group import Participant, Profession
from .visits import RECOMMENDED_MINUTES, Visit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PARENT_CHOSEN_FROM_DAYS = 548


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name or obj.email


def _people(organisation: Organisation, current_pk: int | None, *roles: str):
    """Active members with the roles; the person already chosen stays a choice, so that
    an older visit can still be edited after someone left."""
    allowed = services.members(organisation, *roles).values("pk")
    condition = Q(pk__in=allowed)
    if current_pk is not None:
        condition |= Q(pk=current_pk)
    return User.objects.filter(condition).order_by("full_name", "email")


class WalkroundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(unit)s, %(date)s") % {
            "unit": obj.unit,
            "date": formats.date_format(obj.date, "DATE_FORMAT"),
        }


class VisitForm(forms.ModelForm):
    duration_minutes = forms.IntegerField(
        label=capfirst(Visit._meta.get_field("duration_minutes").verbose_name),
        help_text=_(
            "The method recommends at most one hour. Visitt warns about a longer visit, "
            "but does not stop it."
        ),
        min_value=15,
        max_value=480,
        initial=RECOMMENDED_MINUTES,
        widget=forms.NumberInput(attrs={"step": 5}),
    )

    class Meta:
        model = Visit
        fields = list(services.EDITABLE_FIELDS)
        widgets = {
            "date": DATE_INPUT,
            "start_time": TIME_INPUT,
        }
        field_classes = {
            "parent": WalkroundChoiceField,
            **{name: PersonChoiceField for name in (*services.TEAM_FIELDS, "unit_leader")},
        }

    def __init__(
        self, *args: Any, organisation: Organisation, user: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        visit = self.instance
        visit.organisation = organisation
        fields = self.fields

        def choice(name: str) -> forms.ModelChoiceField:
            return cast(forms.ModelChoiceField, fields[name])

        active_or_current = Q(is_active=True)
        if visit.unit_id:
            active_or_current |= Q(pk=visit.unit_id)
        choice("unit").queryset = (
            Unit.objects.for_organisation(organisation).filter(active_or_current).order_by("name")
        )

        # A follow-up comes about three months after its walkround: the choice offers
        # the walkrounds of the last year and a half (and the current parent), not every
        # one since the organisation started.
        recent = Q(date__gte=timezone.localdate() - timedelta(days=PARENT_CHOSEN_FROM_DAYS))
        if visit.parent_id:
            recent |= Q(pk=visit.parent_id)
        parents = (
            Visit.objects.for_organisation(organisation)
            .filter(recent, kind=Visit.Kind.MAIN)
            .select_related("unit")
            .order_by("-date")
        )
        if visit.pk:
            parents = parents.exclude(pk=visit.pk)
        parent = choice("parent")
        parent.queryset = parents
        parent.empty_label = _("(none)")
        parent.help_text = _("Only for a follow-up visit: the walkround it follows up.")

        visit_leader = choice("visit_leader")
        visit_leader.queryset = _people(organisation, visit.visit_leader_id, Role.TOP_LEADER)
        visit_leader.help_text = _("The top leader, unless someone else leads this visit.")
        for name in ("coordinator", "secretary", "medical_advisor"):
            choice(name).queryset = _people(
                organisation, getattr(visit, f"{name}_id"), *services.LEADERSHIP_ROLES
            )
        fields["medical_advisor"].help_text = _("Optional, but recommended by the method.")
        choice("unit_leader").queryset = _people(
            organisation, visit.unit_leader_id, Role.UNIT_LEADER
        )
        fields["unit_leader"].help_text = _(
            "The unit's leader takes part as an observer, never in the conversation."
        )
        for name in ("coordinator", "secretary", "medical_advisor", "unit_leader"):
            choice(name).empty_label = _("(nobody yet)")
        if visit.pk:
            if visit.invitation_sent_at is not None:
                # After the invitation, a new date goes through postponing, which keeps the
                # history and tells the unit.
                for name in ("date", "start_time"):
                    fields[name].disabled = True
                    fields[name].help_text = _(
                        "The invitation has been sent. To change the date or time, postpone the visit."
                    )
        else:
            today = timezone.localdate()
            leader = services.default_visit_leader(organisation, today.year)
            if leader is not None:
                self.initial.setdefault("visit_leader", leader.pk)
            roles = getattr(user, "visitt_roles", {}).get(organisation.pk, frozenset())
            if user is not None and Role.COORDINATOR in roles:
                self.initial.setdefault("coordinator", user.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, parent, unit = data.get("kind"), data.get("parent"), data.get("unit")
        if kind == Visit.Kind.FOLLOW_UP:
            if parent is None:
                self.add_error("parent", _("Choose the walkround that this visit follows up."))
            elif unit is not None and parent.unit_id != unit.pk:
                self.add_error(
                    "parent",
                    _("A follow-up visit is at the same unit as the walkround it follows up."),
                )
        elif kind == Visit.Kind.MAIN:
            data["parent"] = None
        return data

    def _post_clean(self) -> None:
        # The service saves; the form must not change the instance it was given, so
        # that a refused save leaves the page showing the stored visit.
        pass


class PostponeForm(forms.Form):
    to_date = forms.DateField(label=_("New date"), widget=DATE_INPUT)
    to_time = forms.TimeField(
        label=_("New start time"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Leave empty to keep the current start time."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "The method says a visit should only be postponed in exceptional cases. "
            "The reason is kept in the visit's history."
        ),
    )

    def clean_to_date(self) -> Any:
        value = self.cleaned_data["to_date"]
        if value < timezone.localdate():
            raise ValidationError(_("The new date cannot be in the past."))
        return value

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason for postponing the visit."))
        return reason


class ParticipantForm(forms.ModelForm):
    """One participant in the conversation group. Used by the coordinator and by the
    contact person's link alike."""

    class Meta:
        model = Participant
        fields = list(services.PARTICIPANT_FIELDS)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active_or_current = Q(is_active=True)
        if self.instance.profession_id:
            active_or_current |= Q(pk=self.instance.profession_id)
        profession = cast(forms.ModelChoiceField, self.fields["profession"])
        profession.queryset = Profession.objects.filter(organisation=organisation).filter(
            active_or_current
        )
        profession.empty_label = _("Choose a profession")
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].help_text = _(
            "For the invitation and the minutes. Leave empty if the person does not want e-mail."
        )

    def _post_clean(self) -> None:
        pass  # saved by services.save_participant


class ProfessionForm(forms.Form):
    name = forms.CharField(label=_("Name of the profession"), max_length=100)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the profession a name."))
        return name


class VisitFilterForm(forms.Form):
    PERIODS = [
        ("current", _("Recent and upcoming")),
        ("past", _("Past")),
        ("all", _("All")),
    ]

    period = forms.ChoiceField(label=_("Show"), choices=PERIODS, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Visit.Status.choices], required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = cast(forms.ModelChoiceField, self.fields["unit"])
        unit.queryset = Unit.objects.for_organisation(organisation).order_by("name")
        unit.empty_label = _("All units")
