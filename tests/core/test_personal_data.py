"""The personal-data guard (visitt.core.personal_data): a fødselsnummer blocks, other
personal data warns, and ordinary text about systems passes."""

from __future__ import annotations

import random

import pytest
from django.utils import translation
from stdnum.no import fodselsnummer

from visitt.audit.models import AuditEvent
from visitt.core.personal_data import GuardResult, Kind, check_text, record_override

# Valid numbers (both check digits right): a fødselsnummer and two D-numbers.
FNR = "15108695088"
D_NUMBERS = ["55108695152", "41019012393"]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, the msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


def kinds(text: str) -> list[str]:
    return check_text(text).kinds


# --- Fødselsnummer and D-number: a block ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        FNR,
        "151086 95088",
        "151086.95088",
        "151086-95088",
        "15.10.86 95088",
        f"Pasienten med fnr. {FNR} fikk feil medisin",
        f"({FNR})",
        f"fnr:{FNR}.",
        *D_NUMBERS,
        "551086 95152",
    ],
)
def test_a_valid_national_identity_or_d_number_is_blocked(text):
    result = check_text(text)

    assert result.blocked
    assert result.kinds == [Kind.NATIONAL_ID]


@pytest.mark.parametrize(
    "text",
    [
        "15108695077",  # the second check digit is wrong
        "15108695089",
        "12345678901",
        "00000000000",
        "99999999999",
    ],
)
def test_eleven_digits_with_wrong_check_digits_are_not_blocked(text):
    assert not check_text(text).blocked


def test_eleven_random_digits_are_almost_never_a_national_identity_number():
    generator = random.Random(20240517)
    numbers = ["".join(generator.choice("0123456789") for _ in range(11)) for _ in range(2000)]
    blocked = [number for number in numbers if check_text(number).blocked]
    # Only the numbers that really pass stdnum's checks, and those are rare.
    assert all(fodselsnummer.is_valid(number) for number in blocked)
    assert len(blocked) < 20


def test_digits_inside_a_longer_number_are_not_read_as_a_national_identity_number():
    assert not check_text(f"1{FNR}").blocked
    assert not check_text(f"{FNR}4").blocked


def test_overlapping_finds_are_reported_once_as_the_most_serious_kind():
    # The e-mail address is the fødselsnummer: one finding, the block.
    result = check_text(f"Send til {FNR}@example.no")

    assert result.kinds == [Kind.NATIONAL_ID]
    assert len(result.findings) == 1


# --- Phone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ring 98765432",
        "ring 987 65 432",
        "tlf 22 33 44 55",
        "+47 98765432",
        "+4798765432",
        "0047 987 65 432",
        "+47 22 33 44 55 i vakta",
    ],
)
def test_norwegian_phone_numbers_are_warnings(text):
    result = check_text(text)

    assert result.kinds == [Kind.PHONE]
    assert result.has_warnings and not result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "12345678",  # Norwegian numbers never start with 1
        "Det skjedde 12 ganger i 2024",
        "Kl. 14.30 den 15.10.2024",
        "Saksnummer 2024/12345",
        "Organisasjonsnummer 974 760 673",
        "123456789",  # nine digits
    ],
)
def test_numbers_that_are_not_phone_numbers_pass(text):
    assert check_text(text).ok, check_text(text).kinds


# --- E-mail addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["kari.nordmann@kommune.no", "Skriv til ola+vakt@sykehus.example.org.", "MAIL: A_B@C.NO"],
)
def test_e_mail_addresses_are_warnings(text):
    result = check_text(text)

    assert result.kinds == [Kind.EMAIL]
    assert not result.blocked


def test_an_at_sign_alone_is_not_an_e_mail_address():
    assert check_text("Vi møttes @ vaktrommet").ok


# --- Phrases that point at a person ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "pasient på rom 12",
        "Pasienten på rommet 12 fikk ikke medisinen",
        "beboer på rom 3",
        "Beboeren i leilighet 4",
        "bebuar på rom 3",  # Nynorsk
        "bebuaren i husvære 2",
        "bruker i leilighet 4",
        "brukaren i husværet 7",
        "pasienten i seng 3",
        "pasient på rom nr. 12",
        "pasienten på rom 12b",
        "hun på rom 5 falt",
        "ho på rom 5 fall",  # Nynorsk
        "PASIENT PÅ ROM 12",
    ],
)
def test_phrases_that_point_at_a_person_are_warnings(text):
    result = check_text(text)

    assert result.kinds == [Kind.PERSON_REFERENCE]
    assert not result.blocked


@pytest.mark.parametrize(
    "text",
    [
        "Pasientene får ikke medisinene sine i tide",
        "Medisinrommet 2 var ulåst om natta",
        "Det er for få senger på avdelingen",
        "Brukerne venter lenge på hjelp ved stell",
        "Vi trenger et rom til samtaler",
        "Observasjoner blir ikke gjennomført når det er mange på vakt",
        "Rutinen for dobbeltkontroll følges ikke på kveldsvakt",
        "",
    ],
)
def test_text_about_systems_and_routines_passes(text):
    assert check_text(text).ok


# --- The result ----------------------------------------------------------------------------


def test_several_kinds_are_each_reported_once_in_a_stable_order():
    text = f"Pasient på rom 12, tlf 98765432, kari@kommune.no, {FNR}, og pasient på rom 14"

    result = check_text(text)

    assert result.kinds == ["national_id", "phone", "email", "person_reference"]
    assert result.blocked
    assert len(result.findings) == 5


def test_the_result_holds_positions_and_never_the_matched_text():
    text = "Ring 98765432 i dag"

    finding = check_text(text).findings[0]

    assert text[finding.start : finding.end] == "98765432"
    assert "98765432" not in repr(check_text(text))


def test_messages_tell_the_writer_to_describe_the_system_not_the_person():
    messages = check_text("pasient på rom 12").messages()

    assert any("room" in message for message in messages)
    assert "not the person" in messages[-1]
    assert GuardResult().messages() == []


def test_a_block_says_the_text_cannot_be_saved():
    messages = check_text(FNR).messages()

    assert "national identity number" in messages[0]
    assert "cannot be saved" in messages[0]


# --- Overriding a warning --------------------------------------------------------------


def test_an_override_is_audited_with_the_reason_and_kinds_never_the_text(world):
    text = "Ring 98765432 eller skriv til kari@kommune.no"
    result = check_text(text)

    event = record_override(
        None, result, "  Sentralbordet, ikke en person  ", organisation=world.org, actor=None
    )

    assert event.action == AuditEvent.Action.PERSONAL_DATA_OVERRIDE
    assert event.data == {"kinds": ["phone", "email"], "reason": "Sentralbordet, ikke en person"}
    assert "98765432" not in str(event.data) and "kari@" not in str(event.data)


def test_a_national_identity_number_can_never_be_overridden(world):
    with pytest.raises(ValueError):
        record_override(None, check_text(FNR), "I must", organisation=world.org, actor=None)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_OVERRIDE).exists()
