"""Swedish working days: the one place that says which days an office works.

Weekends, the public holidays and the de facto days off (julafton, midsommarafton, nyårsafton:
Swedish offices are closed then) from the `holidays` library. Build one `WorkingDays` per run (a
sweep) and ask it many times: the library builds a year's calendar when a day of it is first
asked about, and keeps it. The library (about 0.07 s of CPU to import) is imported by the first
`WorkingDays`, not by every process that loads the app.
"""

from __future__ import annotations

import datetime

ONE_DAY = datetime.timedelta(days=1)


class WorkingDays:
    """A Swedish working-day calendar, built once and asked many times."""

    def __init__(self) -> None:
        import holidays

        self._days_off = holidays.country_holidays(
            "SE", categories=(holidays.PUBLIC, holidays.DE_FACTO)
        )

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and day not in self._days_off

    def add(self, day: datetime.date, days: int) -> datetime.date:
        """The working day `days` working days after `day`."""
        current = day
        while days > 0:
            current += ONE_DAY
            if self.is_working_day(current):
                days -= 1
        return current


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """`days` working days after `day` (a calendar of its own: for one-off questions)."""
    return WorkingDays().add(day, days)
