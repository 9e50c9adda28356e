"""`briefing new` as editors run it, against real data folders in temporary directories: the
skeleton's place, fields, comments and modeline; what is left to fill (exactly what `validate`
reports); ids made from titles; never overwriting; never prompting without a terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.models import ID_PATTERN, Actor, ActorRole, Citation, Incident, Region, Source, Statement
from generator.fmt import format_bytes
from generator.load import load_file
from generator.new import derive_id, describe, read_date, skeleton, slug
from generator.validate import validate

EXE = Path(sys.executable).with_name("briefing")


def run(*args: str, stdin: int | None = subprocess.DEVNULL,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script with no terminal: stdin is empty (or closed, by the caller)."""
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, stdin=stdin, cwd=cwd, timeout=60)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def problems_in(data: Path, path: Path) -> list[tuple[int, str]]:
    """(line, field written on that line) of every problem `validate` reports in `path`."""
    lines = path.read_text("utf-8").splitlines()
    out = []
    for problem in validate(data).report.sorted():
        if problem.path == path.as_posix():
            out.append((problem.line, lines[problem.line - 1].split(":")[0].strip(" -")))
    return out


def fill(path: Path, values: dict[str, str]) -> None:
    """Fill empty fields the way an editor does: type the value after `field:` (first empty one)."""
    text = path.read_text("utf-8")
    for field, value in values.items():
        text, count = re.subn(rf"^(\s*(?:- )?){field}:(?=  #|$)", rf"\g<1>{field}: {value}", text, count=1, flags=re.M)
        assert count == 1, field
    path.write_text(text, "utf-8")


# --- the skeleton -------------------------------------------------------------------------------------


def test_incident_skeleton_goes_under_its_month_with_every_required_field(base_data: Path) -> None:
    result = run("new", "incident", "--title", "Coalition airstrike in Wadi Ashai", "--date", "2020-04-13",
                 "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    path = base_data / "incidents" / "2020" / "04" / "coalition-airstrike-in-wadi-ashai-2020-04-13.yml"
    assert result.stdout.splitlines() == [
        f"wrote {path.as_posix()}",
        f"fill in: type, region, actors[0].actor, sources[0].source; then run `briefing validate {base_data}`",
    ]
    text = path.read_text("utf-8")
    lines = text.splitlines()
    # the modeline points at schemas/ beside the data folder, where this repository keeps them
    modeline = lines[0]
    assert modeline.startswith("# yaml-language-server: $schema=")
    schema = (path.parent / modeline.split("=", 1)[1]).resolve()
    assert schema == (base_data.parent / "schemas" / "incident.schema.json").resolve()
    # every required field, in the data format's order, each explained by its model's description
    assert [line.split(":")[0] for line in lines[1:]] == [
        "id", "title", "date", "type", "region", "actors", "  - actor", "    role", "sources", "  - source", "    url"]
    assert lines[1].startswith("id: coalition-airstrike-in-wadi-ashai-2020-04-13  # ")
    assert lines[2] == f"title: Coalition airstrike in Wadi Ashai  # {Incident.model_fields['title'].description}"
    assert lines[3] == f"date: 2020-04-13  # {Incident.model_fields['date'].description}"
    assert lines[4] == f"type:  # {Incident.model_fields['type'].description}"
    assert lines[7] == f"  - actor:  # {ActorRole.model_fields['actor'].description}"
    assert lines[8] == "    role:  # perpetrator | target | claimant | responder | associated | mediator | suspected"
    assert lines[10] == f"  - source:  # {Citation.model_fields['source'].description}"


def test_what_is_left_to_fill_is_exactly_what_validate_reports_then_it_validates(base_data: Path) -> None:
    result = run("new", "incident", "--title", "Clash near Hawija", "--date", "2020-04", "--data", str(base_data))
    path = base_data / "incidents" / "2020" / "04" / "clash-near-hawija-2020-04.yml"
    assert "fill in: type, region, actors[0].actor, sources[0].source" in result.stdout
    assert [field for _, field in problems_in(base_data, path)] == ["type", "region", "actor", "source"]
    fill(path, {"type": "armed-clash", "region": "hawija", "actor": "isis", "source": "rudaw"})
    assert validate(base_data).report.ok, [p.format_text() for p in validate(base_data).report.sorted()]


def test_statement_skeleton_asks_for_a_quote_or_a_paraphrase(base_data: Path) -> None:
    result = run("new", "statement", "--title", "Spokesman on training", "--date", "2020-04-13",
                 "--data", str(base_data))
    path = base_data / "statements" / "2020" / "04" / "spokesman-on-training-2020-04-13.yml"
    assert f"wrote {path.as_posix()}" in result.stdout
    assert "fill in: speaker, quote or paraphrase, sources[0].source" in result.stdout
    text = path.read_text("utf-8")
    assert "title" not in text  # a statement has no title: the words only made its id
    assert f"quote:  # {Statement.model_fields['quote'].description}\n" in text
    assert {p.code for p in validate(base_data).report.problems if p.path == path.as_posix()} == {
        "missing-field", "statement-text"}
    fill(path, {"speaker": "spokesman", "paraphrase": "Training will resume.", "source": "rudaw"})
    assert validate(base_data).report.ok


@pytest.mark.parametrize(("kind", "folder", "second", "value", "model"), [
    ("actor", "actors", "kind", "militia", Actor),
    ("region", "regions", "level", "district", Region),
    ("source", "sources", "kind", "media", Source),
])
def test_actor_region_and_source_skeletons(base_data: Path, kind: str, folder: str, second: str, value: str,
                                           model: type) -> None:
    result = run("new", kind, "--title", "Ḥashd al-Shaʿbī Ünïts", "--data", str(base_data))
    assert result.returncode == 0, result.stderr
    path = base_data / folder / "hashd-al-shabi-units.yml"
    assert result.stdout.splitlines()[1].startswith(f"fill in: {second};")
    lines = path.read_text("utf-8").splitlines()
    assert lines[0] == f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
    assert lines[2] == f"name: Ḥashd al-Shaʿbī Ünïts  # {model.model_fields['name'].description}"
    assert lines[3] == f"{second}:  # {describe(model, second)}"
    assert describe(model, second).count(" | ") >= 5  # the choices, from the model's type
    fill(path, {second: value})
    assert validate(base_data).report.ok


def test_a_year_only_date_files_under_the_year(base_data: Path) -> None:
    result = run("new", "incident", "--title", "Rocket attacks", "--date", "2019", "--data", str(base_data))
    path = base_data / "incidents" / "2019" / "rocket-attacks-2019.yml"
    assert result.returncode == 0 and path.is_file()
    assert "\ndate: 2019  # " in path.read_text("utf-8")


def test_new_file_passes_fmt_check(base_data: Path) -> None:
    for args in (["incident", "--title", "A: title, that needs 'quotes'", "--date", "2020-04-13"],
                 ["statement", "--id", "said-2020-04", "--date", "2020-04"],
                 ["actor", "--title", "Yes"], ["region", "--title", "Kirkuk city"], ["source", "--id", "007"]):
        assert run("new", *args, "--data", str(base_data)).returncode == 0
    fresh = [p for p in base_data.rglob("*.yml") if "# yaml-language-server" in p.read_text("utf-8")]
    assert len(fresh) == 5
    # the fixtures themselves are not canonical: check only the new files, in a folder of their own
    only = base_data.parent / "only-new"
    for path in fresh:
        target = only / path.relative_to(base_data)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    result = run("fmt", "--check", "--data", str(only))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "title: \"A: title, that needs 'quotes'\"  # " in (
        base_data / "incidents/2020/04/a-title-that-needs-quotes-2020-04-13.yml").read_text("utf-8")
    assert "id: '007'" in (base_data / "sources/007.yml").read_text("utf-8")  # stays text for every reader


@pytest.mark.parametrize("title", ["Yes", "007", "2020-04-13", "A: b # c", 'He said "no"', "it's", "tab\there",
                                   "داعش — كركوك", "line\u2028separator", " padded ", "emoji 😀"])
def test_the_title_reads_back_exactly_as_given(base_data: Path, title: str) -> None:
    made = skeleton(base_data, "incident", "x", title, read_date("2020-04-13"))
    assert load_file("x.yml", made.data).records[0].data["title"] == title
    assert format_bytes(made.data, "x.yml", "incidents") == made.data  # canonical


# --- ids --------------------------------------------------------------------------------------------


def test_ids_from_titles() -> None:
    assert derive_id("incident", "Coalition airstrike, Wadi Ashai!", read_date("2020-04-13")) == \
        "coalition-airstrike-wadi-ashai-2020-04-13"
    assert derive_id("statement", "Caggins’s remarks", read_date("2020-04")) == "cagginss-remarks-2020-04"
    assert derive_id("actor", "Şêx Mistefa", None) == "sex-mistefa"
    assert slug("Straße nach Łódź, Ørestad & Æbeltoft") == "strasse-nach-lodz-orestad-aebeltoft"
    long_id = derive_id("incident", "word " * 40, read_date("2020-04-13"))
    assert len(long_id) <= 80 and long_id.endswith("-word-2020-04-13") and re.match(ID_PATTERN, long_id)
    assert "--" not in long_id


def test_a_title_without_latin_letters_needs_an_id(base_data: Path) -> None:
    result = run("new", "actor", "--title", "داعش", "--data", str(base_data))
    assert result.returncode == 2
    assert "give --id" in result.stderr
    ok = run("new", "actor", "--title", "داعش", "--id", "daesh", "--data", str(base_data))
    assert ok.returncode == 0 and "name: داعش  # " in (base_data / "actors" / "daesh.yml").read_text("utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["incident", "--id", "Bad_Id", "--date", "2020-04-13"], "is not an id"),
    (["incident", "--id", "x", "--date", "2020-04-31"], "April 2020 has 30 days"),
    (["incident", "--id", "x", "--date", "13/04/2020"], "is not a date"),
    (["actor", "--id", "x", "--date", "2020"], "only incidents and statements have a date"),
    (["statement", "--date", "2020-04-13"], "give --id, or --title"),
])
def test_usage_errors_write_nothing(base_data: Path, args: list[str], message: str) -> None:
    before = snapshot(base_data)
    result = run("new", *args, "--data", str(base_data))
    assert result.returncode == 2
    assert message in result.stderr
    assert snapshot(base_data) == before


# --- never overwrite --------------------------------------------------------------------------------


def test_an_id_used_anywhere_in_the_data_is_refused(base_data: Path) -> None:
    before = snapshot(base_data)
    # `attack` is an incident of April 2020; a new one dated 2021 would go to another folder
    result = run("new", "incident", "--id", "attack", "--date", "2021-01-05", "--data", str(base_data))
    assert result.returncode == 1
    assert f"an incident with id `attack` already exists ({base_data.as_posix()}/incidents/2020/04/attack.yml:1)" \
        in result.stderr
    assert snapshot(base_data) == before
    assert not (base_data / "incidents" / "2021").exists()
    # another kind may use the same id
    assert run("new", "actor", "--id", "attack", "--data", str(base_data)).returncode == 0


def test_an_id_of_a_record_that_does_not_validate_is_refused_too(base_data: Path) -> None:
    broken = base_data / "actors" / "broken.yml"
    broken.write_text("id: half-written\nname: Half written\n", "utf-8")  # no kind: not in the dataset
    before = snapshot(base_data)
    result = run("new", "actor", "--id", "half-written", "--data", str(base_data))
    assert result.returncode == 1
    assert "already exists" in result.stderr and "broken.yml" in result.stderr
    assert snapshot(base_data) == before


def test_an_existing_file_is_never_overwritten(base_data: Path) -> None:
    target = base_data / "sources" / "new-outlet.yml"
    target.write_text("# being written by someone else\n", "utf-8")  # no record yet, so no id
    result = run("new", "source", "--title", "New outlet", "--data", str(base_data))
    assert result.returncode == 1
    assert "already exists; nothing was written" in result.stderr
    assert target.read_text("utf-8") == "# being written by someone else\n"


def test_running_new_twice_fails_the_second_time_and_keeps_the_first(base_data: Path) -> None:
    args = ["new", "incident", "--title", "Twice", "--date", "2020-04-13", "--data", str(base_data)]
    assert run(*args).returncode == 0
    path = base_data / "incidents" / "2020" / "04" / "twice-2020-04-13.yml"
    path.write_text(path.read_text("utf-8").replace("type:", "type: armed-clash"), "utf-8")  # the editor's work
    edited = path.read_bytes()
    second = run(*args)
    assert second.returncode == 1 and "already exists" in second.stderr
    assert path.read_bytes() == edited


# --- prompting ---------------------------------------------------------------------------------------


def test_without_a_terminal_nothing_is_asked_and_missing_values_are_left_to_fill(base_data: Path) -> None:
    # stdin closed outright, not just empty: a prompt would fail or hang
    result = subprocess.run(["sh", "-c", 'exec 0<&-; exec "$0" "$@"', str(EXE), "new", "incident", "--id", "quiet",
                             "--date", "2020-04-13", "--data", str(base_data)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Title" not in result.stdout + result.stderr  # no prompt
    path = base_data / "incidents" / "2020" / "04" / "quiet.yml"
    assert f"title:  # {Incident.model_fields['title'].description}\n" in path.read_text("utf-8")
    assert "fill in: title, type, region," in result.stdout
    assert ("title" in [field for _, field in problems_in(base_data, path)])


def test_on_a_terminal_missing_values_are_asked_for(base_data: Path) -> None:
    main, secondary = os.openpty()
    try:
        process = subprocess.Popen([str(EXE), "new", "incident", "--data", str(base_data)], stdin=secondary,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.close(secondary)
        # the title, then the date (instead of today), then the id offered from them (accepted)
        for answer in ("Checkpoint attack in Hawija", "2020-04-12", ""):
            os.write(main, (answer + "\n").encode())
            time.sleep(0.2)
        out, err = process.communicate(timeout=60)
    finally:
        os.close(main)
    assert process.returncode == 0, err
    assert "Date (YYYY-MM-DD, YYYY-MM or YYYY)" in out and "Title" in out
    assert "Id [checkpoint-attack-in-hawija-2020-04-12]" in out
    path = base_data / "incidents" / "2020" / "04" / "checkpoint-attack-in-hawija-2020-04-12.yml"
    assert "title: Checkpoint attack in Hawija  # " in path.read_text("utf-8")


def test_a_linked_folder_on_the_way_is_refused_and_nothing_is_written(base_data: Path, tmp_path: Path) -> None:
    # data/incidents/2020 links out of the data folder: the new record would land outside it.
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(base_data / "incidents" / "2020", outside / "2020")
    (base_data / "incidents" / "2020").symlink_to(outside / "2020", target_is_directory=True)
    before = snapshot(outside)
    result = run("new", "incident", "--title", "A raid", "--date", "2020-05-02", "--data", str(base_data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{(base_data / 'incidents' / '2020').as_posix()} is a symbolic link" in result.stderr
    assert snapshot(outside) == before
