from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr

from .models import Invitation, Membership, Organisation, Role, Unit

MAX_LOGO_BYTES = 1024 * 1024


class OrganisationForm(forms.ModelForm):
    # Longer than the nine stored digits, so the number can be pasted as written
    # ("974 760 673"); clean_organisation_number() compacts it.
    organisation_number = forms.CharField(
        label=Organisation._meta.get_field("organisation_number").verbose_name,
        help_text=Organisation._meta.get_field("organisation_number").help_text,
        max_length=20,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "organisation_number",
            "kind",
            "language",
            "two_factor_policy",
            "logo",
            "minutes_show_names",
            "escalate_after_days",
        ]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})}

    def clean_organisation_number(self) -> str:
        value = orgnr.compact(self.cleaned_data["organisation_number"] or "")
        if not orgnr.is_valid(value):
            raise ValidationError(
                _(
                    "%(value)s is not a valid organisation number (nine digits with a correct check digit)."
                ),
                params={"value": self.cleaned_data["organisation_number"]},
            )
        return value

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo can be at most 1 MB."))
        return logo


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "code"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        units = Unit.objects.for_organisation(organisation)
        # A unit can be neither part of itself nor of a unit below it (one query).
        self.excluded: set[int] = set()
        if self.instance.pk:
            self.excluded = {self.instance.pk} | self.instance.descendant_ids(
                units.only("pk", "parent_id")
            )
        # New units go under active units; a unit keeps its current parent even if
        # that one is deactivated, so it can still be renamed.
        active_or_current = Q(is_active=True)
        if self.instance.parent_id:
            active_or_current |= Q(pk=self.instance.parent_id)
        parent = self.fields["parent"]
        parent.queryset = (  # type: ignore[attr-defined]
            units.filter(active_or_current).exclude(pk__in=self.excluded).order_by("name")
        )
        parent.empty_label = _("(top level)")  # type: ignore[attr-defined]
        parent.help_text = _("A ward belongs to a nursing home, for example.")

    def clean_parent(self) -> Unit | None:
        parent = self.cleaned_data.get("parent")
        # The queryset already limits choices; this guards the rule itself.
        if parent is not None and parent.pk in self.excluded:
            raise ValidationError(_("A unit cannot be part of itself."))
        return parent

    def clean_code(self) -> str:
        # The database constraint is case-insensitive per organisation; the form's own
        # unique check skips it (organisation is not a form field), so check here.
        code = self.cleaned_data["code"].strip()
        if (
            code
            and Unit.objects.for_organisation(self.instance.organisation)
            .filter(code__iexact=code)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError(_("Another unit already has this code."))
        return code


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, part_of, type, code. Separated by semicolon or comma, "
            "UTF-8 or Windows encoding."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("label", _("Roles"))
        super().__init__(**kwargs)


class InvitationForm(forms.ModelForm):
    roles = RolesField(required=True)

    class Meta:
        model = Invitation
        fields = ["email", "full_name", "roles"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(organisation=self.organisation, user__email=email).exists():
            raise ValidationError(
                _("%(email)s is already a member of this organisation."), params={"email": email}
            )
        if (
            Invitation.objects.pending()
            .filter(organisation=self.organisation, email=email)
            .exists()
        ):
            raise ValidationError(
                _(
                    "%(email)s has already been invited. Send the invitation again from the list instead."
                ),
                params={"email": email},
            )
        return email


class RolesForm(forms.Form):
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    roles = RolesField(required=False)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data
