from datetime import date

import pytest

from visitt.core.workdays import add_working_days, is_working_day, previous_working_day


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), True),  # a Monday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 4, 2), False),  # skjærtorsdag
        (date(2026, 4, 3), False),  # langfredag
        (date(2026, 4, 6), False),  # 2. påskedag
        (date(2026, 5, 1), False),  # 1. mai
        (date(2026, 5, 14), False),  # Kristi himmelfartsdag
        (date(2026, 5, 25), False),  # 2. pinsedag
        (date(2027, 5, 17), False),  # 17. mai on a Monday
        (date(2026, 12, 24), True),  # julaften is a normal working day by law
        (date(2026, 12, 25), False),
        (date(2026, 12, 28), True),
    ],
)
def test_is_working_day_follows_norwegian_public_holidays(day, expected):
    assert is_working_day(day) is expected


def test_minutes_after_an_ordinary_monday_are_due_on_friday():
    assert add_working_days(date(2026, 11, 23), 4) == date(2026, 11, 27)


def test_the_weekend_does_not_count():
    assert add_working_days(date(2026, 11, 26), 4) == date(2026, 12, 2)  # Thu -> Wed


def test_easter_pushes_the_deadline_past_the_holidays():
    # Tuesday 31 March 2026: Wed 1 counts, then 2, 3, 4, 5 (Thu-Sun) and 6 April (Monday) do not.
    assert add_working_days(date(2026, 3, 31), 4) == date(2026, 4, 9)


def test_17_may_and_ascension_day_do_not_count():
    # Monday 11 May 2026: Tue 12, Wed 13, (Thu 14 Ascension), Fri 15, (weekend), Mon 18.
    assert add_working_days(date(2026, 5, 11), 4) == date(2026, 5, 18)
    # 17 May 2027 is a Monday.
    assert add_working_days(date(2027, 5, 14), 1) == date(2027, 5, 18)


def test_christmas_and_new_year():
    assert add_working_days(date(2026, 12, 23), 4) == date(2026, 12, 30)
    assert add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)


def test_zero_days_gives_the_day_or_the_next_working_day():
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)


def test_negative_days_count_backwards():
    assert add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 1)


def test_previous_working_day_skips_back_over_easter():
    assert previous_working_day(date(2026, 4, 6)) == date(2026, 4, 1)
    assert previous_working_day(date(2026, 11, 23)) == date(2026, 11, 23)
