"""Unit tests of generator/dates.py: the five date forms, where a record belongs, and the period
arithmetic that pages and briefings share (month keys, titles, the period before)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from generator.dates import (
    DateError, FuzzyDate, Period, format_date, month_bounds, month_key, month_name, month_period, months_between,
    parse_date, period_key, period_title, previous_of, previous_period, year_month,
)


@pytest.mark.parametrize(("value", "start", "end", "precision", "shown"), [
    ("2020-04-13", date(2020, 4, 13), date(2020, 4, 13), "day", "13 April 2020"),
    ("2020-04", date(2020, 4, 1), date(2020, 4, 30), "month", "April 2020"),
    ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "month", "February 2020"),  # a leap year
    ("2020", date(2020, 1, 1), date(2020, 12, 31), "year", "2020"),
    (2020, date(2020, 1, 1), date(2020, 12, 31), "year", "2020"),  # YAML's number
    ({"from": "2020-04-01", "to": "2020-04-10"}, date(2020, 4, 1), date(2020, 4, 10), "span", "1–10 April 2020"),
    ({"from": "2020-03", "to": "2020-04"}, date(2020, 3, 1), date(2020, 4, 30), "span", "March – April 2020"),
    ({"from": 2014, "to": "2020-04-17"}, date(2014, 1, 1), date(2020, 4, 17), "span", "2014 – 17 April 2020"),
])
def test_the_five_forms_read_as_start_end_and_precision(value: Any, start: date, end: date, precision: str,
                                                          shown: str) -> None:
    parsed = parse_date(value)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)
    assert format_date(parsed) == shown


def test_an_open_start_is_on_or_before_its_day_and_sorts_and_lists_by_it() -> None:
    by = parse_date({"to": "2020-04-17"})
    assert by.open_start and by.precision == "by"
    assert by.start == date.min and by.end == date(2020, 4, 17)  # the start is not known
    assert by.sort_key() == (date(2020, 4, 17), date(2020, 4, 17))
    assert by.month() == (2020, 4) and month_key(by) == "2020-04"
    assert format_date(by) == "by 17 April 2020"
    # wholly inside no period, whatever its length: only ever "possibly" in one
    assert by.placement(date(2020, 4, 1), date(2020, 4, 30)) == "overlaps"
    assert by.placement(date(1900, 1, 1), date(2100, 12, 31)) == "overlaps"
    assert by.placement(date(2020, 4, 18), date(2020, 4, 30)) == "outside"


@pytest.mark.parametrize(("value", "code", "message"), [
    ("13/04/2020", "invalid-date", "`13/04/2020` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"
                                   " (day-first dates are ambiguous: write YYYY-MM-DD)"),
    ("2020-13", "invalid-date", "`2020-13` is not a date: there is no month 13"),
    ("2019-02-29", "invalid-date", "`2019-02-29` is not a date: February 2019 has 28 days"),
    ("0999", "invalid-date", "`0999`: the year must be between 1000 and 9999"),
    (True, "invalid-date", "`true` is not a date; write YYYY-MM-DD, YYYY-MM or YYYY"),
    ({"from": "2020-04"}, "invalid-date", "a date span needs both `from` and `to`; `to` is missing"),
    ({"from": "2020-04-10", "to": "2020-04-01"}, "date-span-reversed",
     "the span ends (2020-04-01) before it starts (2020-04-10); swap `from` and `to`"),
    ({"to": "2020-04-31"}, "invalid-date", "`to`: `2020-04-31` is not a date: April 2020 has 30 days"),
    ({"since": "2020"}, "invalid-date", "a date span has only `from` and `to`, not `since`"),
])
def test_what_is_not_a_date_is_refused_with_its_code(value: Any, code: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert (caught.value.code, caught.value.message) == (code, message)


@pytest.mark.parametrize(("value", "placement"), [
    ("2020-04-13", "inside"),
    ("2020-04", "inside"),  # the whole month lies inside the month
    ({"from": "2020-03-30", "to": "2020-04-02"}, "overlaps"),  # may lie in March
    ("2020", "overlaps"),  # some day of 2020: possibly in April, counted in no month
    ("2020-05-01", "outside"),
    ("2020-03-31", "outside"),
])
def test_a_record_counts_in_a_period_only_when_its_whole_date_lies_inside(value: Any, placement: str) -> None:
    assert parse_date(value).placement(date(2020, 4, 1), date(2020, 4, 30)) == placement


def test_month_keys_of_records_and_their_order() -> None:
    assert month_key(parse_date("2020-04-13")) == "2020-04"
    assert month_key(parse_date({"from": "2020-03-30", "to": "2020-04-02"})) == "2020-03"  # where it starts
    assert month_key(parse_date("2020")) == "2020"  # "2020 — month not known"
    assert month_key(parse_date({"from": 2019, "to": "2020-04"})) == "2019"
    assert month_name(2020, None) == "2020 — month not known"
    assert year_month("2020-04") == (2020, 4)
    assert sorted(["2020-01", "2020", "2019-12"], key=year_month) == ["2019-12", "2020", "2020-01"]
    assert months_between("2019-11", "2020-02") == ["2019-11", "2019-12", "2020-01", "2020-02"]
    assert months_between("2020-02", "2020-01") == []


def test_months_and_the_month_before() -> None:
    assert month_bounds("2020-02") == (date(2020, 2, 1), date(2020, 2, 29))
    april = month_period(2020, 4)
    assert april == Period("2020-04", "April 2020", date(2020, 4, 1), date(2020, 4, 30))
    assert previous_period(april) == Period("2020-03", "March 2020", date(2020, 3, 1), date(2020, 3, 31))
    assert previous_period(month_period(2020, 1)).key == "2019-12"


@pytest.mark.parametrize(("start", "end", "key", "title", "previous"), [
    (date(2020, 4, 1), date(2020, 4, 30), "2020-04", "April 2020", (date(2020, 3, 1), date(2020, 3, 31))),
    (date(2020, 1, 1), date(2020, 1, 31), "2020-01", "January 2020", (date(2019, 12, 1), date(2019, 12, 31))),
    (date(2020, 4, 1), date(2020, 6, 30), "2020-04_2020-06", "April – June 2020",
     (date(2020, 1, 1), date(2020, 3, 31))),  # a quarter: the quarter before
    (date(2020, 1, 1), date(2020, 12, 31), "2020", "2020", (date(2019, 1, 1), date(2019, 12, 31))),
    (date(2019, 12, 1), date(2020, 1, 31), "2019-12_2020-01", "December 2019 – January 2020",
     (date(2019, 10, 1), date(2019, 11, 30))),
    (date(2020, 4, 1), date(2020, 4, 15), "2020-04-01_2020-04-15", "1–15 April 2020",
     (date(2020, 3, 17), date(2020, 3, 31))),  # not whole months: the same number of days
    (date(2020, 3, 17), date(2020, 4, 17), "2020-03-17_2020-04-17", "17 March – 17 April 2020",
     (date(2020, 2, 14), date(2020, 3, 16))),  # 32 days before its 32 days
    (date(2020, 4, 13), date(2020, 4, 13), "2020-04-13_2020-04-13", "13 April 2020",
     (date(2020, 4, 12), date(2020, 4, 12))),
])
def test_periods_their_names_titles_and_the_period_before(start: date, end: date, key: str, title: str,
                                                          previous: tuple[date, date]) -> None:
    assert period_key(start, end) == key
    assert period_title(start, end) == title
    assert previous_of(start, end) == previous


def test_a_fuzzy_date_is_its_own_parse() -> None:
    parsed = parse_date("2020-04")
    assert parse_date(parsed) is parsed
    assert isinstance(parsed, FuzzyDate)
