"""A visit's lifecycle: confirm, postpone with a reason and a kept history, mark as
conducted, and delete only what was registered by mistake. A visit is never cancelled."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from tests.planning.factories_visits import in_days, make_visit, url
from visitt.audit.models import AuditEvent
from visitt.planning.checklist import tick
from visitt.planning.models import ChecklistItem, Postponement, Visit

A = AuditEvent.Action


@pytest.fixture
def coordinator(world, client_for):
    return client_for(world.coordinator)


def postpone(client, visit, to_date, reason="Sykdom i ledergruppen", to_time="", version=None):
    return client.post(
        url(visit, "utsett"),
        {
            "to_date": to_date.isoformat(),
            "to_time": to_time,
            "reason": reason,
            "version": visit.version if version is None else version,
        },
    )


# --- Never cancelled -----------------------------------------------------------------------


def test_there_is_no_cancel_action_anywhere(world, coordinator):
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    assert not [name for name in names if "cancel" in name or "avlys" in name]
    with pytest.raises(NoReverseMatch):
        reverse("visit_cancel", kwargs={"visit_pk": 1})
    assert "cancelled" not in Visit.Status.values
    visit = make_visit(world)
    body = coordinator.get(url(visit)).content.decode().lower()
    assert "cancel the visit" not in body and "avlys" not in body


def test_a_confirmed_visit_cannot_be_deleted_and_the_answer_says_never_cancelled(
    world, coordinator
):
    visit = make_visit(world, status=Visit.Status.CONFIRMED)

    response = coordinator.post(url(visit, "slett"))

    assert response.status_code == 400
    assert "never cancelled, only postponed" in response.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert not AuditEvent.objects.filter(action=A.VISIT_DELETED).exists()


def test_a_visit_with_an_invitation_sent_cannot_be_deleted(world, coordinator):
    visit = make_visit(world, invitation_sent_at=timezone.now())
    assert coordinator.post(url(visit, "slett")).status_code == 400
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_a_visit_registered_by_mistake_is_deleted_and_audited(world, coordinator):
    visit = make_visit(world)
    pk = visit.pk

    response = coordinator.post(url(visit, "slett"))

    assert response.status_code == 302
    assert response["Location"] == "/visitter/"
    assert not Visit.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=A.VISIT_DELETED)
    assert (event.object_id, event.data["unit"], event.organisation) == (
        str(pk),
        "Solbakken sykehjem",
        world.org,
    )


def test_a_walkround_with_a_follow_up_visit_cannot_be_deleted(world, coordinator):
    walkround = make_visit(world)
    make_visit(world, kind=Visit.Kind.FOLLOW_UP, parent=walkround, when=in_days(120))
    response = coordinator.post(url(walkround, "slett"))
    assert response.status_code == 400
    assert Visit.objects.filter(pk=walkround.pk).exists()


def test_delete_answers_only_post(world, coordinator):
    visit = make_visit(world)
    assert coordinator.get(url(visit, "slett")).status_code == 405


# --- Confirm and conducted ------------------------------------------------------------------


def test_confirming_a_planned_visit(world, coordinator):
    visit = make_visit(world)
    assert coordinator.post(url(visit, "bekreft")).status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (Visit.Status.CONFIRMED, 2)
    assert AuditEvent.objects.filter(action=A.VISIT_CONFIRMED, object_id=str(visit.pk)).exists()


def test_confirming_twice_is_refused_with_a_message(world, coordinator):
    visit = make_visit(world, status=Visit.Status.CONFIRMED)
    response = coordinator.post(url(visit, "bekreft"))
    assert response.status_code == 400
    assert "Only a planned visit can be confirmed." in response.content.decode()


def test_marking_a_visit_conducted_on_its_day(world, coordinator):
    visit = make_visit(world, when=timezone.localdate(), status=Visit.Status.CONFIRMED)
    assert coordinator.post(url(visit, "gjennomfort")).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONDUCTED and visit.conducted_at is not None
    assert AuditEvent.objects.filter(action=A.VISIT_CONDUCTED).exists()


def test_a_future_visit_cannot_be_marked_conducted(world, coordinator):
    visit = make_visit(world, when=in_days(3))
    response = coordinator.post(url(visit, "gjennomfort"))
    assert response.status_code == 400
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.PLANNED


def test_a_conducted_visit_cannot_be_marked_conducted_again(world, coordinator):
    visit = make_visit(world, when=in_days(-1), status=Visit.Status.CONDUCTED)
    assert coordinator.post(url(visit, "gjennomfort")).status_code == 400


# --- Postponing -------------------------------------------------------------------------------


def test_postponing_moves_the_visit_and_keeps_the_history(world, coordinator):
    visit = make_visit(world, status=Visit.Status.CONFIRMED)
    tick(visit, ChecklistItem.Key.CONFIRMATION)

    response = postpone(coordinator, visit, in_days(45), to_time="13:00")

    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.date, visit.start_time, visit.status) == (
        in_days(45),
        time(13, 0),
        Visit.Status.PLANNED,
    )
    assert visit.calendar_sequence == 1
    p = visit.postponements.get()
    assert (p.from_date, p.to_date, p.reason, p.postponed_by) == (
        in_days(30),
        in_days(45),
        "Sykdom i ledergruppen",
        world.coordinator,
    )
    # The week-before confirmation is due again for the new date.
    assert not visit.checklist.get(key=ChecklistItem.Key.CONFIRMATION).is_done
    event = AuditEvent.objects.get(action=A.VISIT_POSTPONED)
    assert event.data["to_date"] == in_days(45).isoformat()


def test_two_postponements_are_kept_in_order_and_shown(world, coordinator):
    visit = make_visit(world)
    postpone(coordinator, visit, in_days(40), reason="Først: sykdom")
    visit.refresh_from_db()
    postpone(coordinator, visit, in_days(50), reason="Så: ferieavvikling")

    history = list(Postponement.objects.filter(visit=visit))
    assert [(p.from_date, p.to_date, p.reason) for p in history] == [
        (in_days(30), in_days(40), "Først: sykdom"),
        (in_days(40), in_days(50), "Så: ferieavvikling"),
    ]
    body = coordinator.get(url(visit)).content.decode()
    assert body.index("Først: sykdom") < body.index("Så: ferieavvikling")
    assert "Kari Koordinator" in body


def test_postponing_keeps_the_time_when_none_is_given(world, coordinator):
    visit = make_visit(world, start_time=time(9, 30))
    postpone(coordinator, visit, in_days(40))
    visit.refresh_from_db()
    assert visit.start_time == time(9, 30)


def test_postponing_needs_a_reason(world, coordinator):
    visit = make_visit(world)
    response = postpone(coordinator, visit, in_days(40), reason="   ")
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert Visit.objects.get(pk=visit.pk).date == in_days(30)
    assert not Postponement.objects.exists()


def test_postponing_to_the_past_is_refused(world, coordinator):
    visit = make_visit(world)
    assert postpone(coordinator, visit, in_days(-1)).status_code == 400
    assert not Postponement.objects.exists()


def test_postponing_to_the_same_date_and_time_is_refused_with_the_message(world, coordinator):
    visit = make_visit(world)
    response = postpone(coordinator, visit, in_days(30))
    assert response.status_code == 400
    assert "Choose another date or time than the current one." in response.content.decode()
    assert not Postponement.objects.exists()


def test_postponing_a_conducted_visit_is_refused(world, coordinator):
    visit = make_visit(world, when=in_days(-2), status=Visit.Status.CONDUCTED)
    response = postpone(coordinator, visit, in_days(10))
    assert response.status_code == 400
    assert "A conducted visit cannot be postponed." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.date, visit.status) == (in_days(-2), Visit.Status.CONDUCTED)
    assert not Postponement.objects.exists()


def test_postponing_from_a_stale_page_is_refused(world, coordinator):
    visit = make_visit(world)
    opened = visit.version
    postpone(coordinator, visit, in_days(40))

    response = postpone(coordinator, visit, in_days(60), version=opened)

    assert response.status_code == 409
    assert Visit.objects.get(pk=visit.pk).date == in_days(40)
    assert Postponement.objects.count() == 1


def test_the_postpone_page_says_visits_are_never_cancelled(world, coordinator):
    visit = make_visit(world)
    body = coordinator.get(url(visit, "utsett")).content.decode()
    assert "never cancelled" in body


def test_postponing_moves_a_working_group_link_to_the_new_day(world, coordinator):
    from visitt.planning.models import GroupLink

    visit = make_visit(world)
    link, _token = GroupLink.issue(visit)
    postpone(coordinator, visit, in_days(45))
    link.refresh_from_db()
    assert timezone.localtime(link.expires_at).date() == in_days(46)


def test_postponing_asks_for_a_new_invitation_and_reminder(world, coordinator):
    visit = make_visit(world, when=in_days(20))
    visit.invitation_sent_at = timezone.now()
    visit.save(update_fields=["invitation_sent_at"])
    tick(visit, ChecklistItem.Key.INVITATION_SENT)
    tick(visit, ChecklistItem.Key.CONFIRMATION)

    assert postpone(coordinator, visit, in_days(34)).status_code == 302

    done = set(
        ChecklistItem.objects.filter(visit=visit, done_at__isnull=False).values_list(
            "key", flat=True
        )
    )
    # The letter that went out carried the old date; the reminder is due again.
    assert ChecklistItem.Key.INVITATION_SENT not in done
    assert ChecklistItem.Key.CONFIRMATION not in done
    visit.refresh_from_db()
    assert visit.invitation_sent_at is not None  # the history of what was sent is kept
