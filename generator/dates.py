"""The five date forms of the data format, as (start, end, precision), and where a record belongs.

    2020-04-13                          that day                      precision "day"
    2020-04                             some day in April 2020        precision "month"
    2020                                some day in 2020              precision "year"
    {from: 2020-04-01, to: 2020-04-10}  some day in that span         precision "span"
    {to: 2020-04-17}                    on or before that day         precision "by" (v1.1)

Each end of a span may itself be a day, a month or a year (`{from: 2014, to: 2020-04-17}`): the
span runs from the first day of `from` to the last day of `to`. That is this project's extension
of the format, for events a source dates only loosely.

A `{to: DATE}` date (v1.1) has no known start: its `start` is `date.min`, so that it lies wholly
inside no period (it is only ever "possibly" in one, and counted in no figure), while it sorts
and is listed by DATE.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from .codes import CODES
from .errors import PeriodError
from .problems import escape_controls

Precision = Literal["day", "month", "year"]
_POINT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")  # ASCII digits: \d takes any script's
MIN_YEAR, MAX_YEAR = 1000, 9999
#: The years a record's date may fall in, unless briefing.yml sets `years: [FROM, TO]` (contract v1.1).
DEFAULT_YEARS = (1900, 2100)


class DateError(ValueError):
    """A date that cannot be read. `code` is the problem code; `part` is `from`/`to` or None."""

    def __init__(self, code: str, message: str, part: str | None = None, at_key: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.part = part
        self.at_key = at_key  # the problem is the key `part` itself, not its value


@dataclass(frozen=True, slots=True, order=True)
class Point:
    """A day, a month or a year: the range of days it covers and how precise it is."""

    start: date
    end: date
    precision: Precision

    def iso(self) -> str:
        """The written form: `2020-04-13`, `2020-04` or `2020`."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.year:04d}"


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """When something happened, no more precisely than the source says.

    `start` and `end` are the first and last day it may have been; `first` and `last` are the
    written ends (equal for a single day, month or year).
    """

    first: Point
    last: Point
    is_span: bool = False
    open_start: bool = False  # `{to: DATE}`: on or before DATE, start not known (first == last)

    @property
    def start(self) -> date:
        # date.min: no period starts that early, so the record is never wholly inside one
        return date.min if self.open_start else self.first.start

    @property
    def end(self) -> date:
        return self.last.end

    @property
    def precision(self) -> Literal["day", "month", "year", "span", "by"]:
        if self.open_start:
            return "by"
        return "span" if self.is_span else self.first.precision

    def sort_key(self) -> tuple[date, date]:
        """Records sort by the start of their date, a `{to: DATE}` record by DATE (then, by the
        caller, by id)."""
        if self.open_start:
            return (self.last.start, self.last.end)
        return (self.start, self.end)

    def month(self) -> tuple[int, int | None]:
        """The month page a record is listed on: (year, month), or (year, None) when only the
        year of its start is known ("2020 — month not known"). A `{to: DATE}` record is listed
        under the month of DATE."""
        point = self.last if self.open_start else self.first
        if point.precision == "year":
            return (point.start.year, None)
        return (point.start.year, point.start.month)

    def placement(self, start: date, end: date) -> Literal["inside", "overlaps", "outside"]:
        """Where this date stands against the period [start, end] (both days included).

        A record counts in a period only when its whole date lies inside; a date that only
        overlaps the period is "possibly in this period" and is not counted in figures.
        """
        if self.open_start:  # its start is not known: it can only ever possibly be in a period
            return "overlaps" if start <= self.end else "outside"
        if start <= self.start and self.end <= end:
            return "inside"
        if self.start <= end and start <= self.end:
            return "overlaps"
        return "outside"

    def to_data(self) -> Any:
        """The value as an editor would write it in YAML."""
        if self.open_start:
            return {"to": self.last.iso()}
        if self.is_span:
            return {"from": self.first.iso(), "to": self.last.iso()}
        if self.first.precision == "year":
            return self.first.start.year
        return self.first.iso()


def parse_point(value: Any) -> Point:
    """Read `2020-04-13`, `2020-04`, `2020` or the number 2020. Raises DateError."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DateError("invalid-date", CODES["invalid-date"].format("not-text", value=_show(value)))
    text = str(value).strip()
    match = _POINT.match(text)
    if not match:
        hint = ""
        if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}", text):
            hint = CODES["invalid-date"].format("day-first")
        raise DateError("invalid-date", CODES["invalid-date"].format(value=_short(text), hint=hint))
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError("invalid-date", CODES["invalid-date"].format("year", value=text, first=MIN_YEAR, last=MAX_YEAR))
    if match.group(2) is None:
        return Point(date(year, 1, 1), date(year, 12, 31), "year")
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise DateError("invalid-date", CODES["invalid-date"].format("month", value=text, month=month))
    last_day = calendar.monthrange(year, month)[1]
    if match.group(3) is None:
        return Point(date(year, month, 1), date(year, month, last_day), "month")
    day = int(match.group(3))
    if not 1 <= day <= last_day:
        name = calendar.month_name[month]
        raise DateError("invalid-date", CODES["invalid-date"].format("day", value=text, month=name, year=year,
                                                                      days=last_day))
    return Point(date(year, month, day), date(year, month, day), "day")


#: The dates read from a text (`2020-04-13`), by that text: most records share their dates with
#: others (100,000 incidents over ten years), and a FuzzyDate is frozen, so one object serves all.
#: Only what parsed is kept (an error is raised again each time, with its message); the table is
#: emptied when it grows past _MEMO_MAX texts, to bound its memory.
_MEMO: dict[str, FuzzyDate] = {}
_MEMO_MAX = 50_000


def parse_date(value: Any) -> FuzzyDate:
    """Read any of the five date forms. Raises DateError with a message fit for an editor."""
    if type(value) is str:
        memo = _MEMO.get(value)
        if memo is None:
            point = parse_point(value)
            memo = FuzzyDate(point, point)
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            _MEMO[value] = memo
        return memo
    if isinstance(value, FuzzyDate):
        return value
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"from", "to"})
        if unknown:
            raise DateError("invalid-date", CODES["invalid-date"].format("span-key", key=unknown[0]), unknown[0],
                            at_key=True)
        if "from" not in value and value.get("to") is not None:  # `{to: DATE}`: on or before DATE
            try:
                point = parse_point(value["to"])
            except DateError as exc:
                raise DateError(exc.code, f"`to`: {exc.message}", "to") from None
            return FuzzyDate(point, point, is_span=True, open_start=True)
        for part in ("from", "to"):
            if value.get(part) is None:
                raise DateError("invalid-date", CODES["invalid-date"].format("span-part", part=part))
        points = []
        for part in ("from", "to"):
            try:
                points.append(parse_point(value[part]))
            except DateError as exc:
                raise DateError(exc.code, f"`{part}`: {exc.message}", part) from None
        first, last = points
        if last.end < first.start:
            raise DateError(
                "date-span-reversed",
                CODES["date-span-reversed"].format(end=last.iso(), start=first.iso()),
                "to",
            )
        return FuzzyDate(first, last, is_span=True)
    point = parse_point(value)
    return FuzzyDate(point, point)


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return "a list"
    return f"`{_short(str(value))}`"


def _short(text: str, limit: int = 60) -> str:
    # a pasted paragraph in a date field is not echoed whole (problems.shorten, without the import)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def month_name(year: int, month: int | None) -> str:
    """`April 2020`, or `2020 — month not known` for a year-precision record's group."""
    return f"{_MONTHS[month - 1]} {year}" if month else f"{year} — month not known"


# --- periods: months, their keys and the period before ------------------------------------------
#
# A month key is `2020-04`; `2020` stands for the records dated only to a year ("2020 — month not
# known"). A period is [start, end], both days included.


def month_key(value: FuzzyDate) -> str:
    """The key of the month page a record is listed on: `2020-04`, or `2020` for a record whose
    start is known only to the year (see `FuzzyDate.month`)."""
    year, month = value.month()
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def year_month(key: str) -> tuple[int, int]:
    """`2020-04` → (2020, 4); a year-only key `2020` → (2020, 0), which sorts before January."""
    year, _, month = key.partition("-")
    return int(year), int(month) if month else 0


def months_between(first: str, last: str) -> list[str]:
    """Every month key from `first` to `last`, both included (both are month keys, not years)."""
    y, m = (int(p) for p in first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_bounds(key: str) -> tuple[date, date]:
    """The first and last day of a month key `2020-04`."""
    year, month = (int(part) for part in key.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """A period as pages and briefings show it: its key, its title and [first day, last day]."""

    key: str  # "2020-04"
    title: str  # "April 2020"
    start: date
    end: date


def month_period(year: int, month: int) -> Period:
    """The period of one calendar month."""
    last = calendar.monthrange(year, month)[1]
    return Period(f"{year:04d}-{month:02d}", month_name(year, month), date(year, month, 1), date(year, month, last))


def previous_period(period: Period) -> Period:
    """The calendar month before `period` (whether or not it has records)."""
    year, month = period.start.year, period.start.month
    return month_period(year - 1, 12) if month == 1 else month_period(year, month - 1)


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def period_key(start: date, end: date) -> str:
    """The period as part of a name: `2020-04` (a calendar month), `2020` (a calendar year),
    `2020-01_2020-03` (whole months), otherwise `2020-04-01_2020-04-15`."""
    if _whole_months(start, end):
        if start.month == 1 and end.month == 12 and start.year == end.year:
            return f"{start.year:04d}"
        first, last = f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"
        return first if first == last else f"{first}_{last}"
    return f"{start.isoformat()}_{end.isoformat()}"


def period_title(start: date, end: date) -> str:
    """The period as readers see it, at its own precision: `April 2020`, `January – March 2020`,
    `2020`, `1–15 April 2020`, `17 March – 17 April 2020`."""
    if _whole_months(start, end):
        if start.month == 1 and end.month == 12 and start.year == end.year:
            year = Point(start, end, "year")
            return format_date(FuzzyDate(year, year))
        first = Point(start, date(start.year, start.month, calendar.monthrange(start.year, start.month)[1]), "month")
        last = Point(date(end.year, end.month, 1), end, "month")
        return format_date(FuzzyDate(first, last, is_span=first != last))
    first, last = Point(start, start, "day"), Point(end, end, "day")
    return format_date(FuzzyDate(first, last, is_span=first != last))


def previous_of(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end]: the same number of calendar months
    when the period is whole months (April → March; Q2 → Q1), otherwise the same number of days."""
    if _whole_months(start, end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.year * 12 + start.month - 1 - months
        prev_start = date(first // 12, first % 12 + 1, 1)
        return prev_start, start - timedelta(days=1)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def _point_text(point: Point, with_year: bool = True, with_month: bool = True) -> str:
    day, month, year = point.start.day, _MONTHS[point.start.month - 1], point.start.year
    if point.precision == "year":
        return str(year)
    if point.precision == "month":
        return f"{month} {year}" if with_year else month
    parts = [str(day)] + ([month] if with_month else []) + ([str(year)] if with_year else [])
    return " ".join(parts)


def format_date(value: FuzzyDate) -> str:
    """The date with exactly the precision written: `13 April 2020`, `April 2020`, `2020`,
    `1–10 April 2020`, `17 March – 17 April 2020`, `2014 – 17 April 2020`; `by 17 April 2020` for
    a `{to: DATE}` date (on or before it, start not known)."""
    first, last = value.first, value.last
    if value.open_start:
        return f"by {_point_text(last)}"
    if not value.is_span:
        return _point_text(first)
    if first == last:
        return _point_text(first)
    if first.precision == last.precision == "day":
        a, b = first.start, last.start
        if a.year == b.year and a.month == b.month:
            return f"{a.day}–{b.day} {_MONTHS[a.month - 1]} {a.year}"
        if a.year == b.year:
            return f"{_point_text(first, with_year=False)} – {_point_text(last)}"
    if first.precision == last.precision == "month" and first.start.year == last.start.year:
        return f"{_MONTHS[first.start.month - 1]} – {_MONTHS[last.start.month - 1]} {last.start.year}"
    return f"{_point_text(first)} – {_point_text(last)}"


# --- Periods from the command line (`--month`, `--from`/`--to`, `--issued`) ---------------------


def parse_day(value: str, option: str, end: bool = False) -> date:
    """A day from the command line: `2020-04-13`; for --from/--to also a month or a year
    (`--from 2020-01 --to 2020-03`: the first day of January to the last day of March).
    `option` names the option in the error (PeriodError)."""
    try:
        point = parse_point(value)
    except DateError as exc:
        raise PeriodError(escape_controls(exc.message), f"'{option}'") from None
    if option == "--issued" and point.precision != "day":
        raise PeriodError(escape_controls(f"`{value}` is not a day; write YYYY-MM-DD"), "'--issued'")
    return point.end if end else point.start


def parse_period(month: str | None, start: str | None, end: str | None) -> tuple[date, date]:
    """The first and last day of the period that `--month`, or `--from` and `--to`, give;
    PeriodError (a usage error) when they give none, or both ways, or an end before the start."""
    if month is not None:
        if start is not None or end is not None:
            raise PeriodError("give either --month or --from and --to, not both")
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            raise PeriodError(escape_controls(f"`{month}` is not a month; write YYYY-MM"), "'--month'")
        return parse_day(month, "--month"), parse_day(month, "--month", end=True)
    if start is None or end is None:
        raise PeriodError("give the period: --month YYYY-MM, or --from DATE and --to DATE")
    first, last = parse_day(start, "--from"), parse_day(end, "--to", end=True)
    if last < first:
        raise PeriodError(escape_controls(f"the period ends ({end}) before it starts ({start})"), "'--to'")
    return first, last


def check_period(first: date, last: date, years: tuple[int, int]) -> None:
    """PeriodError for a period outside the years the data may cover (briefing.yml `years:`, by
    default 1900-2100): a briefing of such years has nothing to report, and the period before
    it, which the briefing compares with, may not be a date at all."""
    lo, hi = years
    if not (lo <= first.year and last.year <= hi):
        raise PeriodError(
            f"the period {first.isoformat()} to {last.isoformat()} is outside the years the data covers, "
            f"{lo} to {hi} (`years:` in briefing.yml)", "'--from'/'--to'")
    try:
        previous_of(first, last)
    except (ValueError, OverflowError):
        raise PeriodError("the period is too long: the period before it, which the briefing compares "
                          "with, would start before year 1", "'--from'/'--to'") from None
