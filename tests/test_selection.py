"""A site build's briefings read only the months they show (views/selection.py), and say exactly
what a briefing built on its own says: the same JSON document for Typst, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from generator import figures
from generator.pdf import typst_input
from generator.validate import validated
from generator.views import briefing as views
from generator.views.common import Context
from generator.views.pdfs import site_requests
from generator.views.selection import Selections

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _documents(data: Path, indexed: bool, preview: bool) -> dict[str, str]:
    result = validated(data, cache=None)
    ctx = Context(result.dataset, preview=preview, event_types=result.config.all_event_types(), pdfs=True)
    tables = figures.tables(ctx)
    selections = Selections(ctx, tables) if indexed else None
    requests = site_requests(ctx)
    regions = sorted(result.dataset.regions)
    # Beside the site's own: periods of several months, a year, and ones that start or end inside
    # a month (which take the slow path), with and without a region.
    requests += [views.Request(date(2020, 1, 1), date(2020, 6, 30)),
                 views.Request(date(2018, 1, 1), date(2021, 12, 31)),
                 views.Request(date(2020, 3, 15), date(2020, 4, 10))]
    requests += [views.Request(date(2020, 1, 1), date(2020, 12, 31), region=r) for r in regions[:4]]
    out = {}
    for request in requests:
        briefing = views.build(ctx, request, result.config, None, tables, selections)
        out[repr(request)] = typst_input(briefing).data
    return out


@pytest.mark.parametrize("preview", [False, True])
def test_site_briefings_from_selections_equal_briefings_built_alone(preview: bool) -> None:
    alone = _documents(REPO / "data", indexed=False, preview=preview)
    assert len(alone) > 20
    assert _documents(REPO / "data", indexed=True, preview=preview) == alone


@pytest.mark.slow
def test_selections_give_the_same_briefings_on_synthetic_data(tmp_path: Path) -> None:
    data = tmp_path / "synth"
    subprocess.run([sys.executable, str(SHARED / "bench" / "synth.py"), "1500", str(data)], check=True,
                   capture_output=True)
    alone = _documents(data, indexed=False, preview=False)
    assert len(alone) > 100
    indexed = _documents(data, indexed=True, preview=False)
    assert indexed.keys() == alone.keys()
    for key, document in alone.items():
        assert indexed[key] == document, key
