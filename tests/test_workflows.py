"""The GitHub Actions workflows (.github/workflows/): they pass actionlint, they hold to the rules
of the project (pinned actions, least privilege, no secrets for forks, Pages without a branch), and
a simulated pull request runs their steps, verbatim, on a Git repository made in a temporary
folder: a broken file makes the run fail with an annotation on the right file and line.

GitHub itself is not reached: what these tests cannot show is how GitHub renders the annotations
and the summary, and the deployment to Pages (see CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BASE, REPO
from git_helpers import commit_all, git, init_repo, isolated_git  # noqa: F401  # fixtures, found by name
from test_build import make_project

WORKFLOWS = REPO / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
PAGES = WORKFLOWS / "pages.yml"
BIN = Path(sys.executable).parent
ATTACK = Path("data/incidents/2020/04/attack.yml")


def load(path: Path) -> dict[Any, Any]:
    """A workflow as data. PyYAML reads the key `on` as True (YAML 1.1); put it back."""
    data: dict[Any, Any] = yaml.safe_load(path.read_text("utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


# --- actionlint -------------------------------------------------------------------------------------


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """jactionlint (actionlint's maintained fork, from the test extras) over `files`, offline, with
    shellcheck on every `run:` script, every finding (warnings and notes too) failing the run."""
    exe = BIN / "jactionlint"
    assert exe.is_file(), "jactionlint is missing: install the test extras (make test does)"
    shellcheck = BIN / "shellcheck"
    assert shellcheck.is_file(), "shellcheck is missing: install the test extras (make test does)"
    return subprocess.run(
        [str(exe), "--no-online", "--no-ignores", "--strict-exit", "--no-color", "--format", "oneline",
         f"--shellcheck={shellcheck}", "--pyflakes=", *map(str, files)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )


def test_workflows_pass_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["pages.yml", "pull-request.yml"]
    result = actionlint(*files)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_actionlint_does_find_problems(tmp_path: Path) -> None:
    """The linter really checks: a workflow with the classic mistakes fails, with each one named
    (shellcheck included), so a clean run above means something."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request_target\n"
        "permissions: write-all\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\" $UNQUOTED\n",
        "utf-8",
    )
    result = actionlint(bad)
    assert result.returncode == 1
    for rule in ("dangerous-triggers", "unpinned-uses", "template-injection", "shellcheck"):
        assert f"[{rule}]" in result.stdout, (rule, result.stdout)


# --- the rules of the project -----------------------------------------------------------------------


def uses_lines(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
    return [line for line in lines if line.startswith(("uses:", "- uses:"))]


@pytest.mark.parametrize("path", [PULL_REQUEST, PAGES], ids=lambda p: p.name)
def test_actions_are_pinned_to_commits_and_the_token_reads_only(path: Path) -> None:
    lines = uses_lines(path)
    assert lines
    for line in lines:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert set(job.get("permissions", {})) <= {"pages", "id-token", "contents"}
        assert job["timeout-minutes"] <= 30
        for step in job["steps"]:
            if "actions/checkout@" in step.get("uses", ""):
                assert step["with"]["fetch-depth"] == 0  # `changes` and "What's new" read the history
                assert step["with"]["persist-credentials"] is False
            if "actions/setup-python@" in step.get("uses", ""):
                assert step["with"]["cache"] == "pip"
                assert step["with"]["cache-dependency-path"] == "requirements.lock"
    text = path.read_text("utf-8")
    assert "secrets." not in text and "pull_request_target" not in text.replace("never `pull_request_target`", "")


#: The oldest major release of each action that runs on Node 24: GitHub retired the Node 20
#: runtime on 2026-09-23, and deployments with deploy-pages v4 fail since July 2026 (v5 fixes it).
CURRENT_MAJOR = {"actions/checkout": 7, "actions/setup-python": 7, "actions/cache": 5,
                 "actions/upload-pages-artifact": 5, "actions/upload-artifact": 7, "actions/deploy-pages": 5}


@pytest.mark.parametrize("path", [PULL_REQUEST, PAGES], ids=lambda p: p.name)
def test_actions_are_at_their_current_major_release(path: Path) -> None:
    for line in uses_lines(path):
        match = re.search(r"uses: ([\w.-]+/[\w.-]+)@[0-9a-f]{40} # v(\d+)\.", line)
        assert match, line
        action, major = match.group(1), int(match.group(2))
        assert action in CURRENT_MAJOR, f"{action}: add its current major release to CURRENT_MAJOR"
        assert major >= CURRENT_MAJOR[action], (
            f"{action} v{major} runs on a retired runtime: use v{CURRENT_MAJOR[action]}")


@pytest.mark.parametrize("path", [PULL_REQUEST, PAGES], ids=lambda p: p.name)
def test_the_pdf_cache_is_kept_between_runs(path: Path) -> None:
    """A deploy renders only the PDFs whose data changed: .cache/ (where the PDF cache lives) is
    restored before the build, saved under a key that changes with every commit (a saved cache is
    never updated under its key), and the newest earlier one is found by the key's prefix."""
    from generator.pdf import CACHE_DIR

    steps = next(iter(load(path)["jobs"].values()))["steps"]
    names = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps]
    cache = steps[names.index("actions/cache")]
    assert CACHE_DIR.parts[0] + "/" == cache["with"]["path"]
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].splitlines()
    assert "${{ github.sha }}" in key
    assert restore == [key.replace("${{ github.sha }}", "")]
    assert names.index("actions/cache") < names.index("make site")


@pytest.mark.parametrize("path", [PULL_REQUEST, PAGES], ids=["pull-request", "pages"])
def test_a_committed_cache_fails_the_run_before_the_cache_is_restored(path: Path, tmp_path: Path) -> None:
    """A cache file committed by a pull request (`git add -f .cache/...`) was read as briefing's
    own: a planted PDF was published as it is, a planted validation entry reported a broken file
    valid. The step that refuses it runs, verbatim, before the restore, and fails on such a file."""
    steps = next(iter(load(path)["jobs"].values()))["steps"]
    names = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps]
    index = next(i for i, step in enumerate(steps) if "git ls-files -- .cache" in step.get("run", ""))
    assert index < names.index("actions/cache")
    script = steps[index]["run"]
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["config", "user.email", "t@t"], ["config", "user.name", "t"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    (repo / "README").write_text("x\n", "utf-8")
    subprocess.run(["git", "add", "README"], cwd=repo, check=True, env=env)
    clean = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (repo / ".cache" / "briefing-pdf").mkdir(parents=True)
    (repo / ".cache" / "briefing-pdf" / ("0" * 64 + ".pdf")).write_bytes(b"forged")
    subprocess.run(["git", "add", "-f", ".cache"], cwd=repo, check=True, env=env)
    planted = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, env=env)
    assert planted.returncode == 1 and "::error::.cache/ is committed" in planted.stdout


def test_pull_request_workflow_runs_on_pull_requests_only() -> None:
    workflow = load(PULL_REQUEST)
    assert workflow["on"] == {"pull_request": None}
    assert "github.event.pull_request.number" in workflow["concurrency"]["group"]
    [job] = workflow["jobs"].values()
    assert "permissions" not in job  # the top-level `contents: read` only
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    for command in (".venv/bin/briefing validate --format github", "make site", '>> "$GITHUB_STEP_SUMMARY"',
                    'briefing changes --since "origin/$BASE_REF" --format json',
                    'briefing pdf --month "$month" -o'):
        assert command in runs, command
    assert "${{" not in runs  # values from GitHub reach the scripts through `env:` only


def test_pages_workflow_deploys_main_through_the_pages_artifact() -> None:
    workflow = load(PAGES)
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in build["steps"] if "uses" in s][-1] == "actions/upload-pages-artifact"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert runs.index(".venv/bin/briefing validate --format github") < runs.index("make site")
    text = PAGES.read_text("utf-8")
    assert "gh-pages" not in text.replace("no gh-pages branch", "") and "--force" not in text



def test_the_published_site_leaves_out_briefings_hidden_files() -> None:
    """The built site holds briefing's marker and the partial build's record (partial.RECORD, a
    list of every page's hash): both are hidden names, and upload-pages-artifact v5 leaves hidden
    names out of the artifact unless `include-hidden-files` is set (its action.yml at the pinned
    commit: `--exclude=.[^/]*`). Setting it would publish them."""
    from generator.partial import RECORD
    from generator.write import MARKER

    assert RECORD.startswith(".") and MARKER.startswith(".")
    steps = [s for s in load(PAGES)["jobs"]["build"]["steps"]
             if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(steps) == 1
    assert "include-hidden-files" not in steps[0].get("with", {})
    assert "# v5." in next(line for line in uses_lines(PAGES) if "upload-pages-artifact@" in line)

# --- a simulated pull request -----------------------------------------------------------------------


#: What GitHub puts in the expressions the workflow uses (anything else fails the simulation).
CONTEXT = {"github.base_ref": "main", "github.event.pull_request.number": "7"}


@dataclass
class Run:
    """A simulated run: the steps that ran, the one that failed, and what they printed."""

    ran: list[str]
    failed: str | None
    output: dict[str, str]
    summary: str


def expand(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        assert name in CONTEXT, f"the simulation does not know ${{{{ {name} }}}}"
        return CONTEXT[name]
    return re.sub(r"\$\{\{(.*?)\}\}", one, value)


def run_workflow(work: Path, workflow: Path = PULL_REQUEST) -> Run:
    """Run the `run:` steps of the workflow's job in `work` as GitHub's runner would (bash -e -o
    pipefail, the step's `env:`, a step summary file), stopping at the first that fails. The checkout
    and Python set-up are the repository and venv already there; the apt step needs root and the
    network, and the machines that run the tests have those packages (.ci/run installs them)."""
    [job] = load(workflow)["jobs"].values()
    summary = work.parent / "step-summary.md"
    summary.write_text("", "utf-8")
    ran: list[str] = []
    output: dict[str, str] = {}
    for step in job["steps"]:
        if "run" not in step or "apt-get" in step["run"]:
            if "upload-artifact" in step.get("uses", ""):  # what it would upload must be there
                for path in step["with"]["path"].split():
                    assert (work / path).exists(), f"the preview has no {path}"
            continue
        env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "CI": "true"}
        env.update({k: expand(str(v)) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=work,
                              env=env, capture_output=True, text=True, timeout=600)
        ran.append(step["name"])
        output[step["name"]] = proc.stdout + proc.stderr
        if proc.returncode != 0:
            return Run(ran, step["name"], output, summary.read_text("utf-8"))
    return Run(ran, None, output, summary.read_text("utf-8"))


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A repository laid out as this one (data/, content/, mkdocs.yml, the Makefile) with the base
    dataset on `main`, pushed to an `origin`, and a clone of it on a branch `proposal`, as GitHub's
    checkout leaves it: `origin/main` is the base of the pull request. The clone's `.venv` is this
    repository's (its programs), already installed, so `make` installs nothing."""
    upstream = make_project(tmp_path / "upstream", BASE).root
    (upstream / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: content\nsite_dir: site\n"
        f"theme:\n  name: material\n  custom_dir: {REPO / 'site_overrides'}\n"
        f"hooks:\n  - {REPO / 'site_overrides' / 'hooks.py'}\n", "utf-8")
    shutil.copy(REPO / "Makefile", upstream / "Makefile")
    for name in ("pyproject.toml", "requirements.lock"):  # the installation's inputs, as make sees them
        (upstream / name).write_text("# the real one is the repository's\n", "utf-8")
    (upstream / ".gitignore").write_text(".venv/\nsite/\n.cache/\npreview/\n", "utf-8")
    init_repo(upstream)
    commit_all(upstream, "the data on main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(upstream), str(work))
    git(work, "checkout", "-q", "-b", "proposal")
    venv = work / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(BIN, target_is_directory=True)
    (venv / "pyvenv.cfg").symlink_to(BIN.parent / "pyvenv.cfg")
    for name in ("pyproject.toml", "requirements.lock"):
        os.utime(work / name, (0, 0))  # older than the installation: nothing to install
    (venv / ".installed").touch()
    return work


def test_simulated_pull_request_with_a_broken_file_fails_on_its_line(pull_request: Path) -> None:
    work = pull_request
    path = work / ATTACK
    path.write_text(path.read_text("utf-8").replace("date: 2020-04-12", "date: 2020-04-31"), "utf-8")
    commit_all(work, "an impossible date", date="2024-01-11T12:00:00Z")

    run = run_workflow(work)

    assert run.failed == "Validate the data"  # the run fails, and nothing after validation runs
    assert run.ran[-2:] == ["Summarise the changes to the data", "Validate the data"]
    annotations = [line for line in run.output["Validate the data"].splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=data/incidents/2020/04/attack.yml,line=3,col=7,title=invalid-date::"
        "date: `2020-04-31` is not a date: April 2020 has 30 days",
    ]
    assert path.read_text("utf-8").splitlines()[2] == "date: 2020-04-31"  # line 3 is the broken one
    # the reviewer's summary was written before validation failed, and names the change
    assert "- **changed** `attack` — An attack on a checkpoint: `date` (`data/incidents/2020/04/attack.yml`)" \
        in run.summary
    assert not (work / "site").exists()


def test_simulated_pull_request_with_an_unreadable_file(pull_request: Path) -> None:
    work = pull_request
    (work / "data" / "actors" / "broken.yml").write_text("id: broken\nname: [Broken\nkind: militia\n", "utf-8")
    commit_all(work, "a syntax error", date="2024-01-11T12:00:00Z")
    run = run_workflow(work)
    assert run.failed == "Validate the data"
    [annotation] = [line for line in run.output["Validate the data"].splitlines() if line.startswith("::")]
    assert annotation.startswith("::error file=data/actors/broken.yml,line=3,col=5,title=yaml-syntax::")
    assert "`data/actors/broken.yml` in this version: line 3: YAML syntax error" in run.summary


@pytest.mark.slow
def test_simulated_pull_request_with_a_valid_change_builds_the_preview(pull_request: Path) -> None:
    work = pull_request
    path = work / ATTACK
    path.write_text(path.read_text("utf-8").replace("killed: 1", "killed: 2"), "utf-8")
    commit_all(work, "one more killed", date="2024-01-11T12:00:00Z")

    run = run_workflow(work)

    assert run.failed is None, run.output
    assert (work / "site" / "index.html").is_file()
    assert (work / "site" / "whatsnew" / "index.html").is_file()
    assert json.loads((work / "preview" / "changes.json").read_text("utf-8"))["months"] == ["2020-04"]
    pdf = work / "preview" / "pdf" / "briefing-2020-04.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (work / "preview" / "pdf").iterdir()) == ["briefing-2020-04.pdf"]
    assert "- **changed** `attack` — An attack on a checkpoint: `casualties[0].killed`" in run.summary
    assert "**preview-pr-7** artifact" in run.summary and "- `briefing-2020-04.pdf`" in run.summary


@pytest.mark.parametrize("path", [PULL_REQUEST, PAGES], ids=["pull-request", "pages"])
def test_committed_generated_pages_fail_the_run_before_the_cache_is_restored(path: Path, tmp_path: Path) -> None:
    """A generated page committed with its folder's marker would be taken as one a build wrote
    (the page record, .cache/briefing-pages, proves a page by its bytes, so a forged page alone
    only costs a render): the step naming every generated name refuses it before the restore."""
    from generator.write import GENERATED, MARKER

    steps = next(iter(load(path)["jobs"].values()))["steps"]
    names = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps]
    index = next(i for i, step in enumerate(steps) if "git ls-files -- content/" in step.get("run", ""))
    assert index < names.index("actions/cache")
    script = steps[index]["run"]
    for name in (*GENERATED, MARKER):
        assert f"content/{name} " in script or f"content/{name})" in script
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["config", "user.email", "t@t"], ["config", "user.name", "t"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    (repo / "content").mkdir()
    (repo / "content" / "about.md").write_text("# About\n", "utf-8")
    subprocess.run(["git", "add", "content"], cwd=repo, check=True, env=env)
    clean = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (repo / "content" / "timeline").mkdir()
    (repo / "content" / "timeline" / MARKER).write_text("", "utf-8")
    (repo / "content" / "timeline" / "2024-04.md").write_text("# forged\n", "utf-8")
    subprocess.run(["git", "add", "-f", "content"], cwd=repo, check=True, env=env)
    planted = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, env=env)
    assert planted.returncode == 1 and "::error::generated pages are committed" in planted.stdout


def test_every_generated_name_is_ignored_by_git() -> None:
    """`git add -A` after a build must not stage generated pages (the workflows refuse a pull
    request that commits them): each name of write.GENERATED is in .gitignore."""
    from generator.write import GENERATED

    ignored = {line.strip().rstrip("/") for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()}
    assert [name for name in sorted(GENERATED) if f"/content/{name}" not in ignored] == []
