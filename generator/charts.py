"""Static SVG charts from view data (matplotlib), the same bytes for the same data.

A chart is described by views as plain data (`ChartSpec`): labels along the x axis, one series
per group, a title and alt text. This module only draws. Every chart is shown with a table of the
same numbers beside it (the templates do that), so nothing is known only from a picture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display; must come before pyplot

import matplotlib.pyplot as plt  # noqa: E402

# Colour-blind-safe (Okabe–Ito), readable on white; dark mode inverts the image (extra.css).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

_RC = {
    "svg.hashsalt": "briefing",  # fixed ids inside the SVG: same data, same bytes
    "svg.fonttype": "none",  # text stays text (searchable, small), not paths
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class ChartSpec:
    """A stacked bar chart: one bar per x label, one stacked series per group."""

    name: str  # file name without extension, unique in the site: "overview-incidents-by-month"
    title: str
    alt: str
    x_labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (group label, one value per x label)
    y_label: str = "incidents"

    @property
    def path(self) -> str:
        """Where the SVG goes in the content folder."""
        return f"charts/{self.name}.svg"


def render_svg(spec: ChartSpec) -> bytes:
    """Draw the chart as SVG bytes, deterministic (no date, fixed ids, fixed size)."""
    with plt.rc_context(_RC):
        width = min(9.0, max(4.0, 0.35 * len(spec.x_labels) + 2.5))
        fig, ax = plt.subplots(figsize=(width, 3.2))
        try:
            positions = range(len(spec.x_labels))
            bottom = [0.0] * len(spec.x_labels)
            for i, (label, values) in enumerate(spec.series):
                ax.bar(positions, values, bottom=bottom, label=label, color=PALETTE[i % len(PALETTE)], width=0.75)
                bottom = [b + v for b, v in zip(bottom, values)]
            ax.set_xticks(list(positions))
            step = max(1, len(spec.x_labels) // 18)  # at most ~18 labels: the table has them all
            ax.set_xticklabels([lbl if i % step == 0 else "" for i, lbl in enumerate(spec.x_labels)],
                               rotation=45, ha="right")
            ax.set_ylabel(spec.y_label)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title(spec.title, loc="left", fontsize=10)
            if len(spec.series) > 1:
                ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
        finally:
            plt.close(fig)
    return out.getvalue().encode("utf-8")
