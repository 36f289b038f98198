"""Time windows: built once from ``as_of`` and ``window_days``, passed into every metric.

Metrics never read the clock; tools resolve ``as_of`` (default: now) here and hand the window on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chaoss_mcp.errors import BadInputError

MAX_WINDOW_DAYS = 3650 * 3
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval [start, end] of aware UTC datetimes; ``end`` is the end of the as_of day."""

    start: datetime
    end: datetime
    days: int
    as_of: date

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment <= self.end

    @classmethod
    def ending(cls, as_of: date, days: int) -> TimeWindow:
        end = datetime.combine(as_of, time.max, tzinfo=UTC)
        start = datetime.combine(as_of - timedelta(days=days - 1), time.min, tzinfo=UTC)
        return cls(start=start, end=end, days=days, as_of=as_of)


def parse_as_of(value: str | date | None, today: date) -> date:
    """``as_of`` from an ISO date (or datetime) string; ``today`` when absent. Future dates are refused."""
    if value is None or value == "":
        return today
    if isinstance(value, datetime):
        parsed = value.astimezone(UTC).date() if value.tzinfo else value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        text = value.strip()
        try:
            parsed = date.fromisoformat(text[:10]) if len(text) > 10 else date.fromisoformat(text)
            if len(text) > 10:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadInputError(
                f"as_of {value!r} is not an ISO date. Give a date like 2026-06-30, or leave it out for today."
            ) from None
    if parsed > today:
        raise BadInputError(f"as_of {parsed.isoformat()} is in the future; give a date up to {today.isoformat()}.")
    if parsed < EARLIEST:
        raise BadInputError(f"as_of {parsed.isoformat()} is before {EARLIEST.isoformat()}; give a later date.")
    return parsed


def make_window(as_of: date, window_days: int) -> TimeWindow:
    if not isinstance(window_days, int) or isinstance(window_days, bool):
        raise BadInputError("window_days must be a whole number of days, e.g. 90.")
    if window_days < 1 or window_days > MAX_WINDOW_DAYS:
        raise BadInputError(f"window_days must be between 1 and {MAX_WINDOW_DAYS}; got {window_days}.")
    return TimeWindow.ending(as_of, window_days)
