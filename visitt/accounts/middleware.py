"""Two-factor sign-in where the organisation's policy requires it for the user's roles."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

# Paths a person without 2FA may still reach: setting it up, signing out, language, and
# the anonymous pulse survey (/p/), which needs no account at all.
ALLOWED_PREFIXES = ("/konto/", "/static/", "/healthz", "/i18n/", "/bytt-organisasjon/", "/p/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        org = getattr(request, "organisation", None)
        if (
            org is not None
            and not request.path.startswith(ALLOWED_PREFIXES)
            and org.requires_two_factor(request.roles)  # type: ignore[attr-defined]
            and not Authenticator.objects.filter(
                user_id=request.user.pk, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.warning(
                request,
                _(
                    "%(organisation)s requires two-factor sign-in for your role. "
                    "Set up an authenticator app to continue."
                )
                % {"organisation": org.name},
            )
            if getattr(request, "htmx", False):
                # A plain redirect would swap the set-up page into a fragment of this one.
                return HttpResponseClientRedirect(reverse("mfa_activate_totp"))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
