"""The staff pulse survey's pages.

Public, without an account: ``pulse_answer`` (p/<token>/), where staff answer through
the link or the QR code shown at the unit. It stores the day and the scores and
nothing else, and sets nothing that identifies a person: no session, no CSRF cookie,
only a cookie saying "this browser answered survey <id>" so that a second answer from
the same device is unlikely. No audit event either: its timestamp would record the
time of day of an answer.

For the leaders (improvement.view_surveys): the list, making a survey, its page with
the link, the QR code, the results (at least five answers; reading them is audited)
and the comparison with the unit's survey before it, a poster to print, and editing.
Top leaders and coordinators see every unit's surveys; a unit leader those of the
units they lead (403 for another unit); other roles get 403. Another organisation's
survey is 404.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from visitt.audit.models import AuditEvent
from visitt.audit.services import record
from visitt.organisations.access import OrgRequest, get_in_organisation, org_view, public_view
from visitt.organisations.models import Unit
from visitt.planning.visits import Visit
from visitt.reports.charts import bar_chart_svg

from . import services_survey as services
from .forms_survey import SurveyForm, read_scores, score_choices
from .survey import MIN_RESPONSES, PulseStatement, PulseSurvey

A = AuditEvent.Action
GET_OR_POST = ["GET", "HEAD", "POST"]
VIEW = "improvement.view_surveys"
PAGE_SIZE = 30
ANSWERED = "answered"


# --- Access ---------------------------------------------------------------------------------


def _allowed(request: OrgRequest) -> set[int] | None:
    return services.allowed_unit_ids(request.organisation, request.user)


def _survey(request: OrgRequest, survey_pk: int) -> PulseSurvey:
    """The organisation's survey (404 otherwise), if the user runs its unit (403)."""
    survey = get_in_organisation(
        request, PulseSurvey.objects.select_related("unit", "visit"), pk=survey_pk
    )
    allowed = _allowed(request)
    if allowed is not None and survey.unit_id not in allowed:
        raise PermissionDenied(_("You run pulse surveys only for the units you lead."))
    survey.organisation = request.organisation
    return survey


def _units(request: OrgRequest, allowed: set[int] | None) -> QuerySet[Unit]:
    units = Unit.objects.filter(organisation=request.organisation, is_active=True)
    if allowed is not None:
        units = units.filter(pk__in=allowed)
    return units.order_by("name")


# A survey measures around a walkround of the last year or one still to come: the
# choice lists those, not every visit since the organisation started.
VISITS_CHOSEN_FROM_DAYS = 365


def _visits(request: OrgRequest, allowed: set[int] | None) -> QuerySet[Visit]:
    since = timezone.localdate() - timedelta(days=VISITS_CHOSEN_FROM_DAYS)
    visits = (
        Visit.objects.for_organisation(request.organisation)
        .filter(date__gte=since)
        .select_related("unit")
    )
    if allowed is not None:
        visits = visits.filter(unit_id__in=allowed)
    return visits.order_by("-date", "-pk")


def _statements(survey: PulseSurvey) -> list[PulseStatement]:
    return list(survey.statements.order_by("order", "pk"))


# --- The leaders' pages ---------------------------------------------------------------------


@org_view(VIEW)
def pulse_surveys(request: OrgRequest) -> HttpResponse:
    """The surveys the user runs, newest first, with whether the results can be shown
    (three queries and pagination, however many surveys)."""
    allowed = _allowed(request)
    surveys = (
        PulseSurvey.objects.filter(organisation=request.organisation)
        .select_related("unit", "visit")
        .annotate(answers=Count("responses"))
        .order_by("-opens_on", "-pk")
    )
    if allowed is not None:
        surveys = surveys.filter(unit_id__in=allowed)
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("side"))
    return render(
        request,
        "improvement/survey_list.html",
        {
            "page": page,
            "surveys": page.object_list,
            "today": timezone.localdate(),
            "can_create": allowed is None or bool(allowed),
            "min_responses": MIN_RESPONSES,
        },
    )


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def pulse_survey_create(request: OrgRequest) -> HttpResponse:
    allowed = _allowed(request)
    if allowed is not None and not allowed:
        raise PermissionDenied(_("You run pulse surveys only for the units you lead."))
    units, visits = _units(request, allowed), _visits(request, allowed)
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST, units=units, visits=visits)
        if form.is_valid():
            try:
                survey = services.create_survey(
                    request.organisation,
                    form.cleaned_data["unit"],
                    form.data_for_service(),
                    request.user,
                    visit=form.cleaned_data["visit"],
                    request=request,
                )
            except services.SurveyError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("The survey is made. Show the link or the QR code at the unit."),
                )
                return redirect("pulse_survey", survey_pk=survey.pk)
        else:
            status = 400
    else:
        today = timezone.localdate()
        initial = {
            "opens_on": today,
            "closes_on": today + timedelta(days=14),
            "statements": "\n".join(services.default_statements(request.organisation)),
        }
        unit = request.GET.get("enhet")
        if unit and unit.isdigit():
            initial["unit"] = int(unit)
        form = SurveyForm(initial=initial, units=units, visits=visits)
    return render(request, "improvement/survey_form.html", {"form": form}, status=status)


def _answer_url(request: HttpRequest, survey: PulseSurvey) -> str:
    return request.build_absolute_uri(reverse("pulse_answer", args=[survey.token]))


@org_view(VIEW)
def pulse_survey(request: OrgRequest, survey_pk: int) -> HttpResponse:
    """The link and QR code, the statements, the results with at least five answers,
    and the comparison with the unit's survey before this one. A fixed number of
    queries."""
    survey = _survey(request, survey_pk)
    result = services.results(survey)
    earlier = services.earlier_survey(survey)
    comparison = services.compare(earlier, survey) if earlier is not None else None
    if result.shown:
        record(request, A.SURVEY_RESULTS_READ, target=survey, responses=result.count)
    url = _answer_url(request, survey)
    chart = ""
    if result.shown:
        chart = bar_chart_svg(
            [(item.text, _agree_share(item.distribution)) for item in result.statements],
            title=_("Share who agree (4 or 5), per statement, in per cent"),
            description=_(
                "One bar per statement: the share of those who answered 4 or 5. The table "
                "shows the mean and how many chose each score."
            ),
        )
    return render(
        request,
        "improvement/survey_detail.html",
        {
            "survey": survey,
            "result": result,
            "statements": [item.statement for item in result.statements],
            "chart": chart,
            "earlier": earlier,
            "comparison": comparison,
            "url": url,
            "qr": qr_svg(url, _("QR code for the survey. It leads to: %(url)s") % {"url": url}),
            "is_open": services.is_open(survey, timezone.localdate()),
            "today": timezone.localdate(),
            "min_responses": MIN_RESPONSES,
            "scores": [1, 2, 3, 4, 5],
        },
    )


def _agree_share(distribution: tuple[int, ...]) -> int:
    total = sum(distribution)
    return round(100 * sum(distribution[3:]) / total) if total else 0


@org_view(VIEW)
def pulse_survey_poster(request: OrgRequest, survey_pk: int) -> HttpResponse:
    """A page to print and put up at the unit: the title, the QR code and the link."""
    survey = _survey(request, survey_pk)
    url = _answer_url(request, survey)
    return render(
        request,
        "improvement/survey_poster.html",
        {
            "survey": survey,
            "url": url,
            "qr": qr_svg(
                url, _("QR code for the survey. It leads to: %(url)s") % {"url": url}, size=360
            ),
        },
    )


@org_view(VIEW)
@require_http_methods(GET_OR_POST)
def pulse_survey_edit(request: OrgRequest, survey_pk: int) -> HttpResponse:
    survey = _survey(request, survey_pk)
    statements = _statements(survey)
    locked = survey.responses.exists()
    status = 200
    if request.method == "POST":
        form = SurveyForm(
            request.POST,
            statements_locked=locked,
            initial={"statements": "\n".join(s.text for s in statements)},
        )
        if form.is_valid():
            try:
                services.update_survey(
                    survey,
                    form.data_for_service(),
                    form.cleaned_data["version"] or 0,
                    request.user,
                    request=request,
                )
            except services.SurveyError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = error.status
            else:
                messages.success(request, _("The survey is saved."))
                return redirect("pulse_survey", survey_pk=survey.pk)
        else:
            status = 400
    else:
        form = SurveyForm(
            initial=SurveyForm.initial_for(survey, statements), statements_locked=locked
        )
    return render(
        request,
        "improvement/survey_form.html",
        {"form": form, "survey": survey, "locked": locked},
        status=status,
    )


# --- The QR code ----------------------------------------------------------------------------

_PATH = re.compile(r'<path d="([^"]+)"')
_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')


def qr_svg(text: str, label: str, *, size: int = 200) -> str:
    """``text`` as an inline SVG QR code, ``size`` pixels wide: no style attributes (CSP),
    black on a white square so that it scans in dark mode too, and ``label`` as its text
    alternative.

    Uses qrcode (already a dependency, for the staff-input poster)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    source = image.to_string(encoding="unicode")
    path, box = _PATH.search(source), _VIEWBOX.search(source)
    if path is None or box is None:  # pragma: no cover - qrcode's output changed
        raise RuntimeError("Unexpected SVG from qrcode")
    side = box.group(1)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" '
        f'viewBox="0 0 {side} {side}" width="{size}" height="{size}" '
        f'aria-labelledby="qr-code-title">'
        f'<title id="qr-code-title">{escape(label)}</title>'
        f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
        f'<path d="{escape(path.group(1))}" fill="#000000"/></svg>'
    )


# --- Answering (public) ---------------------------------------------------------------------


def _cookie_name(survey: PulseSurvey) -> str:
    return f"visitt_pulse_{survey.pk}"


def _speak_the_organisations_language(request: HttpRequest, survey: PulseSurvey) -> None:
    """The organisation's language form (nb/nn), unless the person chose a language."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(survey.organisation.language)
        request.LANGUAGE_CODE = translation.get_language()


def _mark_answered(response: HttpResponse, survey: PulseSurvey) -> None:
    """Remembers in this browser, until the survey closes, that it has answered.

    The cookie holds the survey and nothing else: no random value that could tell one
    person's browser from another's. It only makes a second answer unlikely."""
    closes = datetime.combine(
        survey.closes_on + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )
    seconds = max(60, int((closes - timezone.now()).total_seconds()))
    response.set_cookie(
        _cookie_name(survey),
        ANSWERED,
        max_age=seconds,
        path=reverse("pulse_answer", args=[survey.token]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@public_view
@never_cache
# No CSRF token: it would set a random cookie in the person's browser, and there is
# nothing to forge: no account, no session, and anyone with the link may answer.
@csrf_exempt
@require_http_methods(GET_OR_POST)
def pulse_answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = (
        PulseSurvey.objects.select_related("organisation", "unit")
        .filter(token=token, organisation__is_active=True)
        .first()
    )
    if survey is None:
        return render(request, "improvement/survey_answer_invalid.html", status=404)
    _speak_the_organisations_language(request, survey)
    today = timezone.localdate()
    context: dict = {"survey": survey, "min_responses": MIN_RESPONSES}
    posting = request.method == "POST"
    if not services.is_open(survey, today):
        context["closed_message"] = services.closed_message(survey, today)
        return render(
            request,
            "improvement/survey_answer_closed.html",
            context,
            status=410 if posting else 200,
        )
    thanks = request.GET.get("takk") == "1" and not posting
    if thanks or request.COOKIES.get(_cookie_name(survey)) == ANSWERED:
        context["thanks"] = thanks
        return render(
            request, "improvement/survey_answer_done.html", context, status=409 if posting else 200
        )
    statements = _statements(survey)
    chosen: dict[int, int] = {}
    errors: list[str] = []
    status = 200
    if posting:
        chosen, malformed = read_scores(request.POST, statements)
        try:
            if malformed:
                raise services.SurveyError(_("Each answer must be a number from 1 to 5."))
            services.answer(survey, chosen, today)
        except services.SurveyClosed as error:
            context["closed_message"] = error.messages[0]
            return render(request, "improvement/survey_answer_closed.html", context, status=410)
        except services.SurveyError as error:
            errors, status = error.messages, error.status
        else:
            response = redirect(f"{reverse('pulse_answer', args=[token])}?takk=1")
            _mark_answered(response, survey)
            return response
    context.update(
        {
            "statements": [(s, f"s{s.pk}", chosen.get(s.pk)) for s in statements],
            "choices": score_choices(),
            "errors": errors,
            "unanswered": {s.pk for s in statements if s.pk not in chosen} if errors else set(),
        }
    )
    return render(request, "improvement/survey_answer.html", context, status=status)
