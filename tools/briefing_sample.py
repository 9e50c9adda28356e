"""`make briefing-sample`: the README's picture of a PDF briefing.

Renders the example data's April 2020 briefing (as `briefing pdf --month 2020-04` does) into a
temporary folder and saves one page of it as docs/briefing-page.png with poppler's `pdftoppm`
(Debian's poppler-utils): by default the page where "Incidents per month" starts, which shows the
running header, the chart with its table, region summaries with Arabic and Kurdish names, and the
footer. Same data, same picture.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator import pdf  # noqa: E402  # after the repository is put on the path
from generator.validate import validate  # noqa: E402  # after the repository is put on the path
from generator.views.briefing import Request  # noqa: E402  # after the repository is put on the path


def page_with(data: bytes, heading: str) -> int:
    """The number (from 1) of the first page after the contents that shows `heading`."""
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(BytesIO(data)).pages]
    return next(i for i, text in enumerate(pages, start=1) if i > 2 and heading in text)


def sample(data_dir: Path, out: Path, heading: str = "Incidents per month", dpi: int = 100) -> Path:
    """Render the April 2020 briefing of `data_dir` and save the page showing `heading` as PNG."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: install poppler-utils (sudo apt-get install -y poppler-utils)")
    result = validate(data_dir)
    if not result.report.ok:
        raise SystemExit(f"the data is not valid:\n{result.report.summary()}")
    rendered = pdf.briefing_pdf(result.dataset, result.config, Request(date(2020, 4, 1), date(2020, 4, 30)),
                                content=REPO / "content")
    number = page_with(rendered.data, heading)
    with tempfile.TemporaryDirectory(prefix="briefing-sample-") as tmp:
        source = Path(tmp) / "april.pdf"
        source.write_bytes(rendered.data)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number), "-singlefile",
                        str(source), str(Path(tmp) / "page")], check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "page.png", out)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: `python tools/briefing_sample.py [--data data] [--out docs/briefing-page.png]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "briefing-page.png")
    parser.add_argument("--heading", default="Incidents per month", help="show the page where this heading is")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    print(f"wrote {sample(args.data, args.out, args.heading, args.dpi)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
