from __future__ import annotations

import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest

from .policy import two_factor_required


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join an organisation through an invitation from its administrator.
        return False


def _fernet() -> Fernet:
    key = hashlib.sha256(f"visitt-mfa:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    """Keeps TOTP secrets encrypted in the database, with a key derived from SECRET_KEY.

    Rotating SECRET_KEY therefore means users set up their authenticator app again.
    """

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_issuer(self) -> str:
        return "Visitt"

    def build_totp_svg(self, url: str) -> str:
        # The page inlines the SVG (so CSS can size it and give it a white background
        # in dark mode); an XML declaration does not belong inside an HTML document.
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg") :]

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Costs a query or two: the person's memberships and their roles.

        Someone whose organisation requires two-factor sign-in for their role cannot
        turn the authenticator app off; they would only be sent back to set it up.
        """
        if authenticator.type == Authenticator.Type.TOTP and two_factor_required(
            authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
