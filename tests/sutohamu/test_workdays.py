"""Swedish working days: weekends, public holidays and the de facto days off."""

from __future__ import annotations

import datetime

from sutohamu.workdays import WorkingDays, add_working_days


def test_julafton_juldagen_and_the_weekend_are_skipped():
    assert add_working_days(datetime.date(2026, 12, 23), 1) == datetime.date(2026, 12, 28)


def test_nyarsafton_nyarsdagen_and_the_weekend_are_skipped():
    assert add_working_days(datetime.date(2026, 12, 30), 1) == datetime.date(2027, 1, 4)


def test_midsommarafton_is_not_a_working_day():
    calendar = WorkingDays()
    assert not calendar.is_working_day(datetime.date(2026, 6, 19))  # a Friday
    assert calendar.add(datetime.date(2026, 6, 18), 1) == datetime.date(2026, 6, 22)


def test_public_holidays_are_skipped_and_ordinary_weeks_are_not():
    # Ascension Day, Thu 14 May 2026.
    assert add_working_days(datetime.date(2026, 5, 12), 5) == datetime.date(2026, 5, 20)
    assert add_working_days(datetime.date(2026, 11, 23), 5) == datetime.date(2026, 11, 30)
