"""`make test` sets up the Debian packages the suite needs before any test runs (tools/system_packages.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import system_packages


def fake_machine(tmp_path: Path) -> dict[str, str]:
    """A machine with none of the packages (their paths, and pdftoppm's name, moved where nothing
    is), and an `apt-get` that records its calls and, on `install`, puts the packages' files in place."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium, noto = tmp_path / "usr/bin/chromium", tmp_path / "fonts/NotoSansArabic-Regular.ttf"
    log = tmp_path / "apt.log"
    apt = bin_dir / "apt-get"
    apt.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'if [ "$1" = install ]; then\n'
        '  for p in "$@"; do case "$p" in\n'
        f'    chromium) mkdir -p {chromium.parent} && touch {chromium} ;;\n'
        f'    fonts-noto-core) mkdir -p {noto.parent} && touch {noto} ;;\n'
        f'    poppler-utils) printf "#!/bin/sh\\n" > {bin_dir}/test-pdftoppm && chmod +x {bin_dir}/test-pdftoppm ;;\n'
        "  esac; done\n"
        "fi\n", "utf-8")
    apt.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "BRIEFING_CHROMIUM": str(chromium),
            "BRIEFING_NOTO_ARABIC": str(noto), "BRIEFING_PDFTOPPM": "test-pdftoppm", "APT_LOG": str(log)}


def test_not_root_stops_before_any_test_and_names_the_one_command(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    env = fake_machine(tmp_path)
    assert system_packages.main(env, is_root=False) == 1
    err = capsys.readouterr().err
    for package in ("chromium", "fonts-noto-core", "poppler-utils"):
        assert f"{package} is missing" in err
    assert "sudo sh -c 'apt-get update && apt-get install -y chromium fonts-noto-core poppler-utils'" in err
    assert not Path(env["APT_LOG"]).exists()  # nothing was installed


def test_root_installs_every_missing_package(tmp_path: Path) -> None:
    env = fake_machine(tmp_path)
    assert system_packages.main(env, is_root=True) == 0
    assert Path(env["APT_LOG"]).read_text().splitlines() == [
        "update", "install -y chromium fonts-noto-core poppler-utils"]
    assert all(r.present() for r in system_packages.requirements(env))
    # Once they are there, nothing more is installed.
    assert system_packages.main(env, is_root=True) == 0
    assert len(Path(env["APT_LOG"]).read_text().splitlines()) == 2


def test_only_the_missing_packages_are_installed(tmp_path: Path) -> None:
    env = fake_machine(tmp_path)
    Path(env["BRIEFING_CHROMIUM"]).parent.mkdir(parents=True)
    Path(env["BRIEFING_CHROMIUM"]).touch()
    assert system_packages.main(env, is_root=True) == 0
    assert Path(env["APT_LOG"]).read_text().splitlines()[-1] == "install -y fonts-noto-core poppler-utils"


def test_a_failed_install_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = fake_machine(tmp_path)
    (tmp_path / "bin" / "apt-get").write_text("#!/bin/sh\nexit 100\n", "utf-8")
    assert system_packages.main(env, is_root=True) == 1
    assert "failed (exit 100)" in capsys.readouterr().err


def test_make_test_checks_the_packages_before_pytest() -> None:
    for target in ("test", "test-fast"):
        commands = subprocess.run(["make", "-n", "-W", "pyproject.toml", target], cwd=REPO, capture_output=True,
                                  text=True, check=True).stdout.splitlines()
        steps = [i for i, c in enumerate(commands) if "tools/system_packages.py" in c]
        pytest_at = [i for i, c in enumerate(commands) if "-m pytest" in c]
        assert steps and pytest_at and steps[0] < pytest_at[0], commands
