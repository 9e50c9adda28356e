"""CONTRIBUTING.md, the editors' guide, stays true: its example incident is valid, its skeleton has
every required field, the checks it describes are the workflow's steps in the workflow's order,
and every link it holds leads somewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from conftest import REPO
from generator.models import Incident
from generator.validate import validate

GUIDE = REPO / "CONTRIBUTING.md"
TEXT = GUIDE.read_text("utf-8")


def blocks(info: str) -> list[str]:
    """The fenced blocks whose info string starts with `info` (indented ones too), un-indented."""
    out = []
    for match in re.finditer(r"^( *)```" + re.escape(info) + r"[^\n]*\n(.*?)^\1```", TEXT, re.M | re.S):
        indent = len(match.group(1))
        out.append("".join(line[indent:] + "\n" for line in match.group(2).splitlines()))
    return out


def test_the_example_incident_is_valid(tmp_path: Path) -> None:
    match = re.search(r'```yaml title="data/([^"]+)"', TEXT)
    assert match, "the guide's finished example names its file"
    [example] = [b for b in blocks('yaml title="') if b.startswith("id: ")]
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    target = data / match.group(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example, "utf-8")  # in place of the example data's own version, if any
    result = validate(data)
    assert [p.format_text() for p in result.report.sorted()] == []
    record = yaml.safe_load(example)
    assert target.name == f"{record['id']}.yml"  # the file is named after the id, as the guide says
    assert target.parent.as_posix().endswith(str(record["date"])[:7].replace("-", "/"))  # YYYY/MM of its date


def test_the_skeleton_has_every_required_field() -> None:
    skeleton = next(b for b in blocks("yaml") if b.startswith("id:") and "# the file name" in b)
    keys = set(re.findall(r"^([a-z_]+):", skeleton, re.M))
    required = {name for name, info in Incident.model_fields.items() if info.is_required()}
    assert required <= keys, required - keys
    nested = set(re.findall(r"^ +(?:- )?([a-z_]+):", skeleton, re.M))
    assert {"actor", "role", "source", "url"} <= nested  # what an actor entry and a citation need


def test_the_checks_described_are_the_workflows_steps_in_order() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text("utf-8"))
    [job] = workflow["jobs"].values()
    names = [step["name"] for step in job["steps"]]
    after_install = names[names.index("Install briefing and its pinned dependencies into .venv") + 1:]
    section = TEXT[TEXT.index("## What the review checks"):TEXT.index("## When a check fails")]
    described = re.findall(r"^\d+\. \*\*(.+?)\*\*", section, re.M)
    assert len(described) == len(after_install)
    for told, step in zip(described, after_install, strict=True):  # of one length: asserted above
        assert step.startswith(told), (told, step)
    assert f"**{job['name']}**" in TEXT  # the check to require before merging


def test_every_link_leads_somewhere() -> None:
    headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", TEXT, re.M)}
    errors = (REPO / "docs" / "errors.md").read_text("utf-8")
    codes = set(re.findall(r"^## `([a-z0-9-]+)`", errors, re.M))
    links = re.findall(r"\]\(([^)\s]+)\)", TEXT)
    assert links
    for link in links:
        if link.startswith("http"):
            continue
        path, _, anchor = link.partition("#")
        if not path:
            assert anchor in headings, link
            continue
        assert (REPO / path).is_file(), link
        if path == "docs/errors.md" and anchor:
            assert anchor in codes, link


def test_the_readme_points_editors_here() -> None:
    assert "](CONTRIBUTING.md)" in (REPO / "README.md").read_text("utf-8")
