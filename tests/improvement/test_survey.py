"""The staff pulse survey: anonymity by design (the stored row, the cookies, the audit
trail and the logs), the five-answer threshold, validation, one answer per device made
likely, who may do what, tenant isolation and bounded queries."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tests.walkround.conftest import make_visit
from visitt.audit.models import AuditEvent
from visitt.improvement import services_survey as services
from visitt.improvement.survey import (
    MIN_RESPONSES,
    PulseAnswer,
    PulseResponse,
    PulseStatement,
    PulseSurvey,
)
from visitt.organisations.models import Organisation, Role

pytestmark = pytest.mark.django_db

A = AuditEvent.Action
IP = "203.0.113.77"
FAMILY = "Jeg ville likt at et medlem av familien min mottok tjenester her."


def _data(**changes) -> services.SurveyData:
    today = timezone.localdate()
    values = {
        "title": "Før visitten",
        "opens_on": today - timedelta(days=1),
        "closes_on": today + timedelta(days=13),
        "statements": None,
    }
    values.update(changes)
    return services.SurveyData(**values)


def _survey(world, unit=None, **changes) -> PulseSurvey:
    return services.create_survey(
        world.org, unit or world.unit, _data(**changes), world.coordinator
    )


def _fill(survey: PulseSurvey, count: int, score: int = 4, today: date | None = None) -> None:
    ids = list(survey.statements.values_list("pk", flat=True))
    for _n in range(count):
        services.answer(survey, dict.fromkeys(ids, score), today or timezone.localdate())


def _form(survey: PulseSurvey, score: int = 4) -> dict[str, str]:
    return {f"s{pk}": str(score) for pk in survey.statements.values_list("pk", flat=True)}


def _answer_url(survey: PulseSurvey) -> str:
    return reverse("pulse_answer", args=[survey.token])


def _english() -> Client:
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="Telefon/1.0")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Defaults and making a survey ------------------------------------------------------------


def test_the_default_statements_come_from_the_method_in_the_organisations_language(world):
    assert FAMILY in services.default_statements(world.org)
    assert 3 <= len(services.default_statements(world.org)) <= services.MAX_STATEMENTS
    nynorsk = services.default_statements(world.other_org)
    assert "Eg ville likt at eit medlem av familien min fekk tenester her." in nynorsk


def test_a_new_survey_gets_the_default_statements_and_is_audited(world):
    survey = _survey(world)
    texts = list(survey.statements.order_by("order").values_list("text", flat=True))
    assert texts == services.default_statements(world.org)
    event = AuditEvent.objects.get(action=A.SURVEY_CHANGED)
    assert event.object_id == str(survey.pk) and event.actor == world.coordinator


def test_the_statements_are_editable_when_the_survey_is_made(world):
    survey = _survey(world, statements=["  Vi  lærer av feil. ", "", "Jeg trives her."])
    assert list(survey.statements.values_list("text", flat=True)) == [
        "Vi lærer av feil.",
        "Jeg trives her.",
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"closes_on": timezone.localdate() - timedelta(days=5)},
        {"statements": []},
        {"statements": [f"Påstand {n}" for n in range(11)]},
        {"statements": ["x" * 301]},
        {"statements": ["Samme", "samme"]},
        {"statements": ["Ring Kari på 912 34 567 om dette."]},
        {"title": "   "},
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, changes):
    with pytest.raises(services.SurveyError):
        _survey(world, **changes)
    assert not PulseSurvey.objects.exists()
    assert not AuditEvent.objects.filter(action=A.SURVEY_CHANGED).exists()


def test_a_survey_cannot_be_made_for_another_organisations_unit_or_visit(world):
    with pytest.raises(services.SurveyError):
        _survey(world, unit=world.other_unit)
    visit = make_visit(world)
    with pytest.raises(services.SurveyError):
        services.create_survey(world.org, world.ward, _data(), world.coordinator, visit=visit)
    assert not PulseSurvey.objects.exists()


def test_the_visit_is_chosen_among_last_years_and_coming_walkrounds(world, client_for):
    recent, coming, old = (
        make_visit(world, in_days=-300),
        make_visit(world, in_days=30),
        make_visit(world, in_days=-400),
    )
    form = client_for(world.coordinator).get(reverse("pulse_survey_create")).context["form"]
    offered = set(form.fields["visit"].queryset)
    assert {recent, coming} <= offered and old not in offered


# --- Answering: anonymity and validation -----------------------------------------------------


def test_a_response_stores_the_day_and_the_scores_and_nothing_else(world):
    survey = _survey(world)
    _fill(survey, 1, score=3)
    response = PulseResponse.objects.get()
    columns = {f.column for f in PulseResponse._meta.concrete_fields}
    assert columns == {"id", "survey_id", "answered_on"}
    assert response.answered_on == timezone.localdate()
    answer_columns = {f.column for f in PulseAnswer._meta.concrete_fields}
    assert answer_columns == {"id", "response_id", "statement_id", "score"}
    assert set(PulseAnswer.objects.values_list("score", flat=True)) == {3}
    assert PulseAnswer.objects.count() == survey.statements.count()


def _statement_ids(survey: PulseSurvey) -> list[int]:
    return list(survey.statements.values_list("pk", flat=True))


@pytest.mark.parametrize("bad", ["missing", 0, 6, "foreign", "text"])
def test_an_incomplete_or_wrong_answer_is_refused_and_nothing_is_stored(world, bad):
    survey = _survey(world)
    ids = _statement_ids(survey)
    scores: dict = dict.fromkeys(ids, 4)
    if bad == "missing":
        del scores[ids[0]]
    elif bad == "foreign":
        other = _survey(world, title="Annen")
        scores[_statement_ids(other)[0]] = 4
    else:
        scores[ids[0]] = bad
    with pytest.raises(services.SurveyError):
        services.answer(survey, scores, timezone.localdate())
    assert not PulseResponse.objects.exists() and not PulseAnswer.objects.exists()


@pytest.mark.parametrize("offset", [-2, 14])
def test_a_survey_takes_answers_only_between_its_dates(world, offset):
    survey = _survey(world)
    day = timezone.localdate() + timedelta(days=offset)
    with pytest.raises(services.SurveyClosed):
        services.answer(survey, dict.fromkeys(_statement_ids(survey), 4), day)
    assert not PulseResponse.objects.exists()


def test_the_public_page_needs_no_account_and_sets_no_cookie(world):
    survey = _survey(world)
    response = _english().get(_answer_url(survey))
    assert response.status_code == 200
    assert not response.cookies, "an anonymous visit must not get a session or CSRF cookie"
    page = response.content.decode()
    count = survey.statements.count()
    assert page.count('<fieldset class="ds-fieldset"') == count
    assert page.count('type="radio"') == count * 5
    assert "1 \u2013 Strongly disagree" in page and "5 \u2013 Strongly agree" in page
    assert FAMILY in page
    assert "csrfmiddlewaretoken" not in page


def test_the_public_page_speaks_the_organisations_language_form(world):
    unit = world.other_unit
    survey = services.create_survey(world.other_org, unit, _data(), world.outsider)
    page = Client().get(_answer_url(survey)).content.decode()
    assert '<html lang="nn"' in page
    assert "Eg ville likt at eit medlem av familien min fekk tenester her." in page
    assert '<html lang="nb"' in Client().get(_answer_url(_survey(world))).content.decode()


def test_answering_stores_the_scores_and_sets_only_an_answered_cookie(world, caplog):
    survey = _survey(world)
    client = _english()
    events = AuditEvent.objects.count()
    with caplog.at_level(logging.DEBUG):
        response = client.post(_answer_url(survey), _form(survey, 5))
    assert response.status_code == 302
    assert response["Location"].endswith("?takk=1")
    assert PulseResponse.objects.filter(survey=survey).count() == 1
    assert set(response.cookies) == {f"visitt_pulse_{survey.pk}"}
    cookie = response.cookies[f"visitt_pulse_{survey.pk}"]
    assert cookie.value == "answered"
    assert cookie["path"] == _answer_url(survey)
    assert cookie["httponly"]
    until_close = (survey.closes_on - timezone.localdate()).days + 1
    assert 0 < int(cookie["max-age"]) <= until_close * 86400
    # No audit event (its timestamp would give the time of day), and no IP anywhere.
    assert AuditEvent.objects.count() == events
    assert not AuditEvent.objects.filter(ip_address=IP).exists()
    assert IP not in caplog.text and "Telefon/1.0" not in caplog.text
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and b"Thank you for answering" in thanks.content
    assert not thanks.cookies


def test_no_ip_is_logged_for_the_public_address_even_on_errors(world, caplog):
    survey = _survey(world)
    client = _english()
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("pulse_answer", args=["ukjent"]))
        client.post(_answer_url(survey), {})
    assert IP not in caplog.text
    for record in caplog.records:
        assert IP not in record.getMessage()
    assert not AuditEvent.objects.filter(ip_address=IP).exists()


def test_the_cookie_makes_a_second_answer_from_the_same_device_unlikely(world):
    survey = _survey(world)
    client = _english()
    client.post(_answer_url(survey), _form(survey))
    page = client.get(_answer_url(survey))
    assert page.status_code == 200 and b"You have already answered" in page.content
    assert b'type="radio"' not in page.content
    again = client.post(_answer_url(survey), _form(survey))
    assert again.status_code == 409
    assert PulseResponse.objects.filter(survey=survey).count() == 1
    # Another device (without the cookie) answers as usual.
    assert _english().post(_answer_url(survey), _form(survey)).status_code == 302
    assert PulseResponse.objects.filter(survey=survey).count() == 2


def test_the_cookie_of_one_survey_does_not_block_another(world):
    first, second = _survey(world), _survey(world, title="Etter")
    client = _english()
    client.post(_answer_url(first), _form(first))
    assert b'type="radio"' in client.get(_answer_url(second)).content


@pytest.mark.parametrize("bad", ["missing", "0", "6", "abc"])
def test_the_public_form_refuses_bad_answers_with_a_message(world, bad):
    survey = _survey(world)
    form = _form(survey)
    first = next(iter(form))
    if bad == "missing":
        del form[first]
    else:
        form[first] = bad
    response = _english().post(_answer_url(survey), form)
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert not PulseResponse.objects.exists()
    assert not response.cookies


def test_the_public_form_refuses_bad_answers_in_norwegian(world):
    survey = _survey(world)
    response = Client().post(_answer_url(survey), {})
    assert response.status_code == 400
    assert "1 til 5" in response.content.decode() or "1 to 5" in response.content.decode()
    assert not PulseResponse.objects.exists()


def test_a_closed_survey_says_so_and_takes_no_answers(world):
    today = timezone.localdate()
    survey = _survey(
        world, opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1)
    )
    client = _english()
    page = client.get(_answer_url(survey))
    assert page.status_code == 200 and b"This survey is closed" in page.content
    response = client.post(_answer_url(survey), _form(survey))
    assert response.status_code == 410
    assert not PulseResponse.objects.exists() and not response.cookies


def test_a_survey_not_yet_open_says_so(world):
    today = timezone.localdate()
    survey = _survey(world, opens_on=today + timedelta(days=3), closes_on=today + timedelta(9))
    page = _english().get(_answer_url(survey))
    assert b"This survey is not open yet" in page.content


def test_an_unknown_token_is_404(world):
    response = _english().get(reverse("pulse_answer", args=["finnes-ikke"]))
    assert response.status_code == 404
    assert b"This address does not lead to a survey" in response.content
    assert not response.cookies


def test_a_signed_in_person_without_two_factor_can_still_answer(world, client_for):
    world.org.two_factor_policy = Organisation.TwoFactorPolicy.EVERYONE
    world.org.save(update_fields=["two_factor_policy"])
    survey = _survey(world)
    response = client_for(world.secretary).get(_answer_url(survey))
    assert response.status_code == 200


# --- Results and the five-answer threshold ---------------------------------------------------


def test_four_answers_give_no_numbers(world):
    survey = _survey(world)
    _fill(survey, MIN_RESPONSES - 1, score=5)
    result = services.results(survey)
    assert not result.shown
    assert all(item.mean is None and item.distribution == () for item in result.statements)
    assert [item.text for item in result.statements] == services.default_statements(world.org)


def test_five_answers_give_the_mean_and_distribution(world):
    survey = _survey(world, statements=["A", "B"])
    a, b = survey.statements.order_by("order")
    for score_a, score_b in [(1, 5), (2, 5), (3, 4), (4, 4), (5, 4)]:
        services.answer(survey, {a.pk: score_a, b.pk: score_b}, timezone.localdate())
    result = services.results(survey)
    assert result.shown and result.count == 5
    first, second = result.statements
    assert first.mean == 3.0 and first.distribution == (1, 1, 1, 1, 1)
    assert second.mean == 4.4 and second.distribution == (0, 0, 0, 3, 2)


def test_the_page_shows_no_numbers_with_four_answers(world, en_client_for):
    survey = _survey(world, statements=["Vi lærer av feil."])
    _fill(survey, MIN_RESPONSES - 1, score=5)
    response = en_client_for(world.coordinator).get(reverse("pulse_survey", args=[survey.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="results-hidden"' in page
    assert "results-caption" not in page and "bar-chart" not in page
    for number in ("5.0", "5,0", "100 %", "4 people", "(4)", ">4<"):
        assert number not in page
    comments = re.findall(r"<!--(.*?)-->", page, flags=re.S)
    assert not any(re.search(r"\d", comment) for comment in comments)
    assert not AuditEvent.objects.filter(action=A.SURVEY_RESULTS_READ).exists()


def test_the_page_shows_the_results_with_five_answers_and_audits_the_reading(world, en_client_for):
    survey = _survey(world, statements=["Vi lærer av feil."])
    _fill(survey, MIN_RESPONSES, score=5)
    response = en_client_for(world.coordinator).get(reverse("pulse_survey", args=[survey.pk]))
    page = response.content.decode()
    assert "results-caption" in page and 'class="bar-chart"' in page
    assert "5 people have answered" in page
    assert ">5.0<" in page
    event = AuditEvent.objects.get(action=A.SURVEY_RESULTS_READ)
    assert event.actor == world.coordinator and event.object_id == str(survey.pk)


def test_the_list_says_whether_results_are_ready_without_counts(world, en_client_for):
    survey = _survey(world)
    _fill(survey, 3)
    page = en_client_for(world.top_leader).get(reverse("pulse_surveys")).content.decode()
    assert "Waiting for answers" in page and survey.title in page


def test_the_qr_code_is_inline_svg_without_style_and_with_a_text_alternative(world, en_client_for):
    survey = _survey(world)
    page = en_client_for(world.coordinator).get(reverse("pulse_survey", args=[survey.pk]))
    svg = re.search(r'<svg[^>]*class="qr-code".*?</svg>', page.content.decode(), flags=re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0) and "<title" in svg.group(0)
    assert "style=" not in svg.group(0)
    assert survey.token in svg.group(0)  # the title says where it leads
    poster = en_client_for(world.coordinator).get(reverse("pulse_survey_poster", args=[survey.pk]))
    assert poster.status_code == 200 and b'class="qr-code"' in poster.content


# --- Before and after ------------------------------------------------------------------------


def test_compare_pairs_the_statements_by_their_wording(world):
    today = timezone.localdate()
    before = _survey(
        world,
        statements=["Vi lærer av feil.", "Jeg trives."],
        opens_on=today - timedelta(days=120),
        closes_on=today - timedelta(days=100),
    )
    after = _survey(world, statements=["Vi lærer av feil.", "Ny påstand."])
    _fill(before, 5, score=2, today=today - timedelta(days=110))
    _fill(after, 6, score=4)
    comparison = services.compare(before, after)
    assert comparison.shown
    rows = {row.text: row for row in comparison.rows}
    assert rows["Vi lærer av feil."].change == 2.0
    assert rows["Jeg trives."].after is None and rows["Ny påstand."].before is None
    assert services.earlier_survey(after) == before


def test_compare_gives_no_numbers_when_one_side_has_too_few_answers(world):
    before, after = _survey(world), _survey(world, title="Etter")
    _fill(before, 5)
    _fill(after, 4)
    comparison = services.compare(before, after)
    assert not comparison.shown
    assert all(row.before is None and row.after is None for row in comparison.rows)


def test_compare_takes_only_surveys_of_the_same_unit(world):
    with pytest.raises(ValueError):
        services.compare(_survey(world), _survey(world, unit=world.ward))


def test_the_survey_page_compares_with_the_units_survey_before(world, en_client_for):
    today = timezone.localdate()
    before = _survey(
        world,
        statements=["Vi lærer av feil."],
        opens_on=today - timedelta(days=120),
        closes_on=today - timedelta(days=100),
    )
    after = _survey(world, statements=["Vi lærer av feil."])
    _fill(before, 5, score=2, today=today - timedelta(days=110))
    _fill(after, 5, score=4)
    page = en_client_for(world.top_leader).get(reverse("pulse_survey", args=[after.pk]))
    text = page.content.decode()
    assert 'id="comparison"' in text and "+2.0" in text


def test_results_for_year_has_the_surveys_that_opened_that_year(world):
    this_year = timezone.localdate().year
    survey = _survey(world)
    _survey(
        world,
        title="I fjor",
        opens_on=date(this_year - 1, 3, 1),
        closes_on=date(this_year - 1, 3, 20),
    )
    _fill(survey, 5)
    results = services.results_for_year(world.org, survey.opens_on.year)
    assert [r.survey for r in results] == [survey]
    assert results[0].shown and results[0].unit == world.unit
    assert services.results_for_year(world.other_org, survey.opens_on.year) == []


@pytest.mark.parametrize("count", [2, 8])
def test_results_for_year_cost_the_same_queries_however_many(
    world, django_assert_max_num_queries, count
):
    for n in range(count):
        _fill(_survey(world, title=f"Måling {n}"), 5 if n % 2 else 2)
    with django_assert_max_num_queries(4):
        results = services.results_for_year(world.org, timezone.localdate().year)
        assert len(results) == count
        assert [len(r.statements) for r in results]


# --- The leaders' pages: who may do what -----------------------------------------------------


@pytest.mark.parametrize("role", ["top_leader", "coordinator", "unit_leader"])
def test_leaders_of_the_unit_open_the_pages(world, en_client_for, role):
    make_visit(world)  # makes world.unit_leader the unit leader of world.unit
    survey = _survey(world)
    client = en_client_for(getattr(world, role))
    for name, args in [
        ("pulse_surveys", []),
        ("pulse_survey_create", []),
        ("pulse_survey", [survey.pk]),
        ("pulse_survey_poster", [survey.pk]),
        ("pulse_survey_edit", [survey.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize("role", ["secretary", "admin"])
def test_other_roles_get_403(world, en_client_for, role):
    survey = _survey(world)
    client = en_client_for(getattr(world, role))
    for name, args in [
        ("pulse_surveys", []),
        ("pulse_survey_create", []),
        ("pulse_survey", [survey.pk]),
        ("pulse_survey_poster", [survey.pk]),
        ("pulse_survey_edit", [survey.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("pulse_survey_edit", args=[survey.pk]), {}).status_code == 403


def test_a_unit_leader_runs_only_the_units_they_lead(world, en_client_for):
    make_visit(world)
    own, other = _survey(world), _survey(world, unit=world.ward, title="Avdeling 1 sin")
    client = en_client_for(world.unit_leader)
    page = client.get(reverse("pulse_surveys")).content.decode()
    assert own.title in page and other.title not in page
    assert client.get(reverse("pulse_survey", args=[other.pk])).status_code == 403
    assert client.get(reverse("pulse_survey_edit", args=[other.pk])).status_code == 403
    response = client.post(reverse("pulse_survey_create"), _create_form(world, world.ward))
    assert response.status_code == 400
    assert PulseSurvey.objects.count() == 2


def test_a_unit_leader_without_a_unit_cannot_make_a_survey(world, en_client_for):
    client = en_client_for(world.unit_leader)
    assert client.get(reverse("pulse_survey_create")).status_code == 403
    assert client.get(reverse("pulse_surveys")).status_code == 200


def test_anonymous_people_are_sent_to_sign_in(world):
    survey = _survey(world)
    response = Client().get(reverse("pulse_survey", args=[survey.pk]))
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_another_organisations_survey_is_404(world, en_client_for):
    theirs = services.create_survey(world.other_org, world.other_unit, _data(), world.outsider)
    client = en_client_for(world.top_leader)
    for name in ("pulse_survey", "pulse_survey_poster", "pulse_survey_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    ours = _survey(world, title="Vår egen måling")
    outsider = en_client_for(world.outsider)
    for name in ("pulse_survey", "pulse_survey_poster", "pulse_survey_edit"):
        assert outsider.get(reverse(name, args=[ours.pk])).status_code == 404, name
    assert ours.title not in outsider.get(reverse("pulse_surveys")).content.decode()


def _create_form(world, unit, **changes) -> dict[str, str]:
    today = timezone.localdate()
    form = {
        "unit": str(unit.pk),
        "visit": "",
        "title": "Før visitten",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "statements": "Vi lærer av feil.\nJeg trives her.",
    }
    form.update(changes)
    return form


def test_making_a_survey_through_the_form(world, en_client_for):
    visit = make_visit(world, in_days=10)
    client = en_client_for(world.coordinator)
    page = client.get(reverse("pulse_survey_create")).content.decode()
    assert "Directorate of Health" in page and "Ville du likt" not in page
    assert "Jeg ville likt at et medlem av familien min" in page
    response = client.post(
        reverse("pulse_survey_create"), _create_form(world, world.unit, visit=str(visit.pk))
    )
    survey = PulseSurvey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pulse_survey", args=[survey.pk])
    assert survey.visit == visit and survey.created_by == world.coordinator
    assert survey.statements.count() == 2


def test_bad_form_input_gives_a_message_and_stores_nothing(world, client_for):
    client = client_for(world.coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("pulse_survey_create"),
        _create_form(world, world.unit, closes_on=(today - timedelta(days=3)).isoformat()),
    )
    assert response.status_code == 400
    assert not PulseSurvey.objects.exists()
    response = client.post(
        reverse("pulse_survey_create"), _create_form(world, world.unit, statements="")
    )
    assert response.status_code == 400
    assert not PulseSurvey.objects.exists()


def test_a_visit_to_another_unit_is_refused(world, en_client_for):
    visit = make_visit(world)
    response = en_client_for(world.coordinator).post(
        reverse("pulse_survey_create"), _create_form(world, world.ward, visit=str(visit.pk))
    )
    assert response.status_code == 400
    assert not PulseSurvey.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def _edit_form(survey: PulseSurvey, **changes) -> dict[str, str]:
    form = {
        "title": survey.title,
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
        "statements": "\n".join(survey.statements.values_list("text", flat=True)),
        "version": str(survey.version),
    }
    form.update(changes)
    return form


def test_editing_changes_the_statements_until_the_first_answer(world, en_client_for):
    survey = _survey(world)
    client = en_client_for(world.coordinator)
    response = client.post(
        reverse("pulse_survey_edit", args=[survey.pk]),
        _edit_form(survey, title="Ny tittel", statements="Én påstand."),
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "Ny tittel" and survey.version == 2
    assert list(survey.statements.values_list("text", flat=True)) == ["Én påstand."]
    assert AuditEvent.objects.filter(action=A.SURVEY_CHANGED).count() == 2


def test_after_the_first_answer_the_statements_stay(world, en_client_for):
    survey = _survey(world)
    _fill(survey, 1)
    before = list(survey.statements.values_list("pk", "text"))
    client = en_client_for(world.coordinator)
    page = client.get(reverse("pulse_survey_edit", args=[survey.pk])).content.decode()
    assert "can no longer change" in page
    response = client.post(
        reverse("pulse_survey_edit", args=[survey.pk]),
        _edit_form(survey, title="Ny tittel", statements="Noe helt annet."),
    )
    assert response.status_code == 302
    assert list(survey.statements.values_list("pk", "text")) == before
    assert PulseAnswer.objects.count() == len(before)
    with pytest.raises(services.SurveyError):
        services.update_survey(
            survey, _data(statements=["Noe annet"]), survey.version + 1, world.coordinator
        )


def test_a_stale_edit_is_refused(world, client_for):
    survey = _survey(world)
    form = _edit_form(survey, title="Min versjon")
    services.update_survey(survey, _data(title="Deres versjon"), 1, world.top_leader)
    response = client_for(world.coordinator).post(
        reverse("pulse_survey_edit", args=[survey.pk]), form
    )
    assert response.status_code == 409
    survey.refresh_from_db()
    assert survey.title == "Deres versjon"


def test_personal_data_in_an_edited_statement_is_refused(world, client_for):
    survey = _survey(world)
    response = client_for(world.coordinator).post(
        reverse("pulse_survey_edit", args=[survey.pk]),
        _edit_form(survey, statements="Spør kari@example.no om dette."),
    )
    assert response.status_code == 400
    assert "kari@example.no" not in "".join(survey.statements.values_list("text", flat=True))


# --- Bounded queries -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 10])
def test_the_list_costs_the_same_queries_however_many_surveys(
    world, en_client_for, django_assert_max_num_queries, count
):
    for n in range(count):
        _fill(_survey(world, title=f"Måling {n}"), n % 3)
    client = en_client_for(world.top_leader)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pulse_surveys")).status_code == 200


@pytest.mark.parametrize("count", [5, 30])
def test_the_survey_page_costs_the_same_queries_however_many_answers(
    world, en_client_for, django_assert_max_num_queries, count
):
    today = timezone.localdate()
    before = _survey(
        world, opens_on=today - timedelta(days=90), closes_on=today - timedelta(days=80)
    )
    _fill(before, count, today=today - timedelta(days=85))
    survey = _survey(world)
    _fill(survey, count)
    client = en_client_for(world.coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("pulse_survey", args=[survey.pk])).status_code == 200


def test_answering_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    survey = _survey(world)
    with django_assert_max_num_queries(12):
        assert _english().post(_answer_url(survey), _form(survey)).status_code == 302


def test_a_leader_with_several_roles_is_not_limited_to_led_units(world, en_client_for):
    boss = make_user("sjef@test.no", world.org, Role.UNIT_LEADER, Role.TOP_LEADER)
    survey = _survey(world, unit=world.ward)
    assert en_client_for(boss).get(reverse("pulse_survey", args=[survey.pk])).status_code == 200
    assert PulseStatement.objects.filter(survey=survey).exists()
