"""The interface language: an explicit choice first, then the person's or organisation's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
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
