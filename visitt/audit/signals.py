"""Sign-in, sign-out, password and two-factor changes go to the audit trail."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .models import AuditEvent
from .services import record

A = AuditEvent.Action


@receiver(auth_signals.user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(request, A.LOGIN, actor=user, organisation=None)


@receiver(auth_signals.user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, A.LOGOUT, actor=user, organisation=None)


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # allauth tries several backends for one attempt; log once per request.
    if request is not None:
        if getattr(request, "_visitt_login_failure_logged", False):
            return
        request._visitt_login_failure_logged = True
    email = (credentials.get("email") or credentials.get("username") or "").lower()
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    # The address is kept only when it names a known account: a mistyped address may
    # be a password typed into the wrong field.
    record(request, A.LOGIN_FAILED, actor=user, organisation=None)


@receiver(account_signals.password_changed)
def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(request, A.PASSWORD_CHANGED, actor=user, organisation=None)


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(request, A.PASSWORD_RESET, actor=user, organisation=None)


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record(request, A.MFA_ADDED, actor=user, organisation=None, kind=authenticator.type)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record(request, A.MFA_REMOVED, actor=user, organisation=None, kind=authenticator.type)


@receiver(mfa_signals.authenticator_reset)
def on_mfa_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record(request, A.MFA_RESET, actor=user, organisation=None, kind=authenticator.type)


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The same signal fires when someone confirms who they are before a sensitive change.
    step = "reauthentication" if kwargs.get("reauthentication") else "two_factor"
    record(request, A.LOGIN_FAILED, actor=user, organisation=None, step=step)
