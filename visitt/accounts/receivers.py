"""Signal receivers for accounts.

On sign-in, the interface switches to the person's language, or their organisation's.
The address a person signs in with counts as verified (see trust_the_sign_in_address).
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.dispatch import receiver

LANGUAGE_SESSION_KEY = "visitt_language"


@receiver(user_logged_in)
def remember_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    language = user.language
    if not language:
        membership = user.memberships.filter(is_active=True).select_related("organisation").first()
        language = membership.organisation.language if membership else ""
    if language and request is not None:
        # Read by visitt.core.middleware when the browser has no language cookie yet.
        request.session[LANGUAGE_SESSION_KEY] = language


@receiver(pre_save, sender=EmailAddress)
def trust_the_sign_in_address(sender: Any, instance: EmailAddress, **kwargs: Any) -> None:
    """Accounts are only created from an invitation sent to their address (or by an
    operator), so that address is verified. allauth creates its EmailAddress row
    lazily, unverified (e.g. on the first password reset request), and an unverified
    row stops the person from setting up two-factor sign-in, which their organisation
    may require."""
    if not instance.verified and instance.email.lower() == (instance.user.email or "").lower():
        instance.verified = True
