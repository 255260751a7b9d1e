"""The interface language: an explicit choice first, then the person's or organisation's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from visitt.accounts.receivers import LANGUAGE_SESSION_KEY

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware(LocaleMiddleware):
    """Like Django's, but never follows the browser's Accept-Language header.

    Office PCs in Norwegian municipalities often run an English browser; Visitt speaks
    Bokmål unless the person picks another language or their organisation writes Nynorsk.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED and hasattr(request, "session"):
            language = request.session.get(LANGUAGE_SESSION_KEY)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Visitt uses no camera, microphone, location or payment: a script that slipped in
# could not ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response, and Cache-Control: no-store on what a
    signed-in person sees, so that confidential pages are not kept in a shared PC's
    browser cache or shown again with the back button after signing out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
