from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from visitt.organisations.access import OrgRequest, org_view, public_view
from visitt.reports import dashboard


@public_view
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public_view
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered as the signed-in person's preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        isinstance(response, HttpResponseRedirect)
        and request.user.is_authenticated
        and language in {"nb", "nn", "en"}
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@org_view()
def home(request: OrgRequest) -> HttpResponse:
    """The start page: the panels the person's roles give, above the cards."""
    return render(
        request,
        "core/home.html",
        {"membership": request.membership, "panels": dashboard.panels_for(request)},
    )
