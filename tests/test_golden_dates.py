"""Golden timeline pages for the five date forms (day, month, year, span with its note, `{to: DATE}`), casualty
ranges, unknown casualties and a reported 0 (tests/fixtures/dates)."""

from __future__ import annotations

from update_golden import COMMAND, GOLDEN_DATES, dates_files, stored_files


def test_dates_and_counts_render_as_written() -> None:
    fresh, stored = dates_files(), stored_files(GOLDEN_DATES)
    hint = f"the timeline pages of tests/fixtures/dates changed; if intended, run `{COMMAND}` and review the diff"
    assert sorted(fresh) == sorted(stored), hint
    assert [p for p in fresh if fresh[p] != stored[p]] == [], hint


def test_each_form_reads_as_a_reader_expects() -> None:
    pages = {path: data.decode("utf-8") for path, data in dates_files().items()}
    april, may, year = pages["timeline/2020-04.md"], pages["timeline/2020-05.md"], pages["timeline/2021.md"]
    assert "<strong>12 April 2020</strong> · <em>Sunday before publication</em>" in april  # a day
    assert "<strong>1–10 April 2020</strong> · <em>early April</em>" in april  # a span with its note
    assert "<strong>May 2020</strong>" in may  # a month, not "1 May"
    assert "<strong>2021</strong> · <em>the source gives only the year</em>" in year  # a year, not "January 2021"
    assert "# 2021 — month not known" in year
    assert "3–6 (best 4) killed" in april  # a range stays a range
    assert "<strong>Casualties:</strong> not reported (unknown)" in april  # unknown is not 0
    assert "civilians: 0 killed" in april  # and 0 is shown as 0
    # on or before a day (v1.1), listed under the month of DATE and sorted by DATE: last in April
    assert "<strong>by 17 April 2020</strong> · <em>before the report; its start is not given</em>" in april
    assert april.rindex("{ #by-precision }") > april.rindex("{ #day-precision }")
    assert '(suspected perpetrator, according to <a href="../actors/peshmerga.md">Peshmerga</a>)' in april
