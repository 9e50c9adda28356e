"""Long work reports its progress through a callback (generator/progress.py): the library never
prints, and the command line draws it on a terminal only. A log or a pipe gets exactly what it
got before; a terminal sees the count move and then a clean line."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

from conftest import REPO

from generator import progress
from generator.fmt import format_folder
from generator.site import generate
from generator.validate import validate


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, step: str, done: int, total: int) -> None:
        self.calls.append((step, done, total))

    def of(self, step: str) -> list[tuple[int, int]]:
        return [(done, total) for s, done, total in self.calls if s == step]


def _counts_up_to_the_total(seen: list[tuple[int, int]], total: int) -> None:
    assert seen, "the step reported nothing"
    assert {t for _, t in seen} == {total}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total


def test_validation_reports_every_file_it_reads(base_data: Path) -> None:
    seen = Recorder()
    result = validate(base_data, progress=seen)
    _counts_up_to_the_total(seen.of(progress.READING), result.report.files)
    assert result.report.files > 5


def test_a_build_reports_its_pages_and_pdfs(base_data: Path, tmp_path: Path) -> None:
    from generator.pdf import PdfCache

    result = validate(base_data)
    seen = Recorder()
    written = generate(result.dataset, result.config, tmp_path / "content", pdfs=True,
                       pdf_cache=PdfCache(None), progress=seen)
    pages = seen.of(progress.PAGES)
    _counts_up_to_the_total(pages, pages[-1][1])
    pdfs = seen.of(progress.PDFS)
    _counts_up_to_the_total(pdfs, sum(1 for p in written.written if p.endswith(".pdf")))
    assert pages[-1][1] + pdfs[-1][1] == len(written.written)  # every page, chart and PDF written


def test_formatting_reports_every_file(base_data: Path) -> None:
    seen = Recorder()
    results = format_folder(base_data, progress=seen, workers=1)
    _counts_up_to_the_total(seen.of(progress.FORMATTING), len(results))


def _on_a_terminal(args: list[str], interrupt_after: bytes | None = None,
                   group: bool = False) -> tuple[int, bytes]:
    """Run `briefing ARGS` with standard error (and output) on a pseudo-terminal, as a user at a
    terminal does: (exit code, everything the terminal received). With `interrupt_after`, Ctrl-C
    (SIGINT) once the terminal has shown that text: to `briefing` alone, or with `group` to each
    of its processes, as a terminal sends it."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", *args], stdout=child, stderr=child,
                            stdin=subprocess.DEVNULL, cwd=REPO, close_fds=True, start_new_session=group)
    os.close(child)
    out = b""
    while True:
        if interrupt_after is not None and interrupt_after in out:
            if group:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                proc.send_signal(signal.SIGINT)
            interrupt_after = None
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed its end (Linux: EIO)
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return proc.wait(timeout=60), out


def test_the_terminal_sees_the_count_and_then_a_clean_line(base_data: Path) -> None:
    code, out = _on_a_terminal(["validate", str(base_data)])
    assert code == 0
    assert b"reading the data: 0 of " in out  # drawn while it ran
    # After the last clearing of the line, the screen holds what a pipe would get, and only that.
    last = out.rsplit(b"\r\x1b[K", 1)[-1].replace(b"\r\n", b"\n")
    piped = subprocess.run([sys.executable, "-m", "generator.cli", "validate", str(base_data)], cwd=REPO,
                           capture_output=True, timeout=60, check=True).stdout
    def untimed(summary: bytes) -> bytes:  # the summary's last figure is the command's time
        return re.sub(rb"; \d+\.\d s\n\Z", b"; N s\n", summary)

    assert untimed(last) == untimed(piped) == b"valid: 0 errors, 0 warnings in 7 files (9 records); N s\n"


def test_the_drawn_line_is_a_bar_with_the_share_done_and_the_time_left() -> None:
    from generator.cli import _Drawn

    assert _Drawn.line("reading the data", 0, 11_003, 0.0) == (
        "reading the data: 0 of 11,003 [>                             ] 0%")
    assert _Drawn.line("reading the data", 5_000, 10_000, 3.0) == (
        "reading the data: 5,000 of 10,000 [===============>              ] 50%, about 3 s left")
    assert _Drawn.line("rendering PDFs", 10, 250, 30.0).endswith("] 4%, about 12 min left")
    assert _Drawn.line("x", 7, 7, 1.0) == "x: 7 of 7 [==============================] 100%, about 0 s left"


def test_a_log_gets_a_few_plain_lines_of_a_long_step_only() -> None:
    """In CI (no terminal) a step that ends within ten seconds prints nothing; a longer one a plain
    line at most every twenty seconds, and one when it ends, with the time it took."""
    import click
    from click.testing import CliRunner

    from generator.cli import _Logged

    now = [0.0]
    logged = _Logged(clock=lambda: now[0])

    @click.command()
    def run() -> None:
        for done in range(0, 101):  # the short step: 5 s in all
            now[0] = done * 0.05
            logged("short step", done, 100)
        start = now[0]
        for done in range(0, 601):  # the long step: 60 s in all, a call each 0.1 s
            now[0] = start + done * 0.1
            logged("long step", done, 600)

    result = CliRunner().invoke(run, [])
    assert result.stderr.splitlines() == ["long step: 100 of 600", "long step: 300 of 600", "long step: 500 of 600",
                     "long step: 600 of 600, 60 s"]


def test_a_pipe_gets_no_progress(base_data: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "validate", str(base_data)], cwd=REPO,
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert b"reading the data" not in proc.stdout + proc.stderr and b"\x1b" not in proc.stdout + proc.stderr


def test_ctrl_c_leaves_no_progress_line_behind(tmp_path: Path) -> None:
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(REPO.parent / "shared" / "bench" / "synth.py"), "4000", str(data)],
                   check=True)
    code, out = _on_a_terminal(["validate", str(data)], interrupt_after=b"reading the data: ")
    assert code != 0
    last = out.rsplit(b"\r\x1b[K", 1)[-1]  # what stays on the screen after the last clearing
    assert b"Aborted!" in last and b"reading the data" not in last


def test_ctrl_c_at_a_terminal_stops_the_worker_processes_quietly(tmp_path: Path) -> None:
    """Without a cache, `validate` checks 4,000 files in two worker processes; a terminal's Ctrl-C
    reaches them too. The command stops, clears its line and says so once: no worker prints a
    traceback of its own."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, str(REPO.parent / "shared" / "bench" / "synth.py"), "4000", str(data)],
                   check=True)
    code, out = _on_a_terminal(["validate", "--no-cache", str(data)], interrupt_after=b"reading the data: ",
                               group=True)
    assert code != 0, out
    last = out.rsplit(b"\r\x1b[K", 1)[-1]
    assert b"Aborted!" in last and b"reading the data" not in last
    assert b"Traceback" not in out and b"KeyboardInterrupt" not in out


def test_a_long_step_reported_only_at_its_start_and_end_still_says_its_time() -> None:
    """One slow PDF: the callback is told at 0 and at the end only; the end line still comes."""
    import click
    from click.testing import CliRunner

    from generator.cli import _Logged

    now = [0.0]
    logged = _Logged(clock=lambda: now[0])

    @click.command()
    def run() -> None:
        logged("rendering", 0, 1)
        now[0] = 60.0
        logged("rendering", 1, 1)

    assert CliRunner().invoke(run, []).stderr.splitlines() == ["rendering: 1 of 1, 60 s"]
