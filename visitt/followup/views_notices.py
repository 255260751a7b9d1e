"""Each person's choice of follow-up notices: one e-mail per notice, or one a day."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from visitt.accounts.models import User
from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, org_view


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["daily_digest"]


@org_view()
@require_http_methods(["GET", "POST"])
def notification_settings(request: OrgRequest) -> HttpResponse:
    """The signed-in person's own setting; no one else's can be reached here."""
    user = request.user
    # An unticked box posts nothing: an empty POST is still a submitted form.
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, instance=user
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.save()
            record(
                request,
                AuditEvent.Action.NOTIFICATION_SETTINGS_CHANGED,
                target=user,
                daily_digest=user.daily_digest,
            )
        messages.success(request, _("Your notice settings are saved."))
        return redirect("notification_settings")
    return render(
        request,
        "followup/notification_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
