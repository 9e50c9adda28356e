"""`briefing import acled` as an analyst runs it: the shared ACLED sample into an empty data folder
(it validates, 326 incidents, a second import changes nothing), reuse of the example data's
regions and sources, hand edits kept, removed events reported, bad files refused with nothing
written, hostile values read back exactly as the CSV holds them."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import acled
from generator.fmt import format_bytes
from generator.load import load_file
from generator.validate import validate

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO.parent / "shared" / "reference" / "acled-sample-argentina-2022-06.csv"
EXE = Path(sys.executable).with_name("briefing")
HEADER = SAMPLE.read_text("utf-8-sig").splitlines()[0].split(",")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time (a rewrite with the same bytes shows too)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def export(rows: list[dict[str, str]]) -> str:
    """An ACLED export (the sample's header) of `rows`; columns not given are empty."""
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def event(**cells: str) -> dict[str, str]:
    """One plausible event (an Iraqi armed clash in Hawija), with `cells` changed."""
    row = {"event_id_cnty": "IRQ1", "event_date": "2020-04-13", "year": "2020", "time_precision": "1",
           "disorder_type": "Political violence", "event_type": "Battles", "sub_event_type": "Armed clash",
           "actor1": "Islamic State (Iraq)", "inter1": "2", "actor2": "Military Forces of Iraq (2018-)",
           "inter2": "1", "interaction": "12", "iso": "368", "region": "Middle East", "country": "Iraq",
           "admin1": "Kirkuk", "admin2": "Hawija", "admin3": "Hawija", "location": "Hawija",
           "latitude": "35.32", "longitude": "43.77", "geo_precision": "2", "source": "Rudaw",
           "source_scale": "National", "notes": "On 13 April 2020, IS militants clashed with Iraqi forces.",
           "fatalities": "2", "timestamp": "1587000000"}
    row.update(cells)
    return row


def incidents(data: Path) -> dict[str, dict[str, object]]:
    out = {}
    for path in sorted((data / "incidents").rglob("*.yml")):
        for record in load_file(str(path)).records:
            out[record.data["id"]] = record.data
    return out


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    return data


# --- the shared sample -----------------------------------------------------------------------


def test_sample_imports_into_an_empty_folder_validates_and_a_second_import_changes_nothing(empty: Path) -> None:
    first = run("import", "acled", str(SAMPLE), "--data", str(empty))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("656 created (239 regions, 62 actors, 29 sources, 326 incidents), 0 unchanged, "
                                   "0 updated, 0 skipped; "), first.stdout
    result = validate(empty)
    assert not result.report.problems, [p.format_text() for p in result.report.problems[:5]]
    assert len(result.dataset.kind("incidents")) == 326
    # In `briefing fmt`'s layout already: fmt would leave every file as it is.
    for path in sorted(empty.rglob("*.yml")):
        folder = path.relative_to(empty).parts[0]
        assert format_bytes(path.read_bytes(), str(path), folder) == path.read_bytes(), path
    before = snapshot(empty)
    second = run("import", "acled", str(SAMPLE), "--data", str(empty))
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("0 created, 326 unchanged, 0 updated, 0 skipped; "), second.stdout
    assert second.stderr == ""
    assert snapshot(empty) == before


def test_sample_records_carry_acled_values(empty: Path) -> None:
    assert run("import", "acled", str(SAMPLE), "--data", str(empty)).returncode == 0
    found = incidents(empty)
    first = found["arg10607"]
    assert first["title"] == "Peaceful protest in Comodoro Rivadavia: Protesters (Argentina)"
    assert first["date"] == "2022-06-30" and first["type"] == "peaceful-protest"
    assert first["coordinates"] == [-45.8644, -67.4997] and first["location_precision"] == "exact"
    assert first["casualties"] == [{"group": "unknown", "killed": 0}]  # 0 stays 0: none reported
    assert first["actors"][0] == {"actor": "protesters-argentina", "role": "associated"}
    assert [s["source"] for s in first["sources"]] == ["diario-el-chubut", "diario-cronica-argentina"]
    assert first["extra"]["acled_id"] == "ARG10607" and first["extra"]["source_scale"] == "National"
    # time_precision 2: the week around ACLED's day, and the day kept
    week = found["arg10342"]
    assert week["date"] == {"from": "2022-05-31", "to": "2022-06-06"}
    assert week["extra"]["event_date"] == "2022-06-03"
    assert (empty / "incidents/2022/05/arg10342.yml").is_file()


def test_bom_and_crlf_give_the_same_records(empty: Path, tmp_path: Path) -> None:
    windows = tmp_path / "windows.csv"
    windows.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    other = tmp_path / "other"
    other.mkdir()
    assert run("import", "acled", str(SAMPLE), "--data", str(empty)).returncode == 0
    assert run("import", "acled", str(windows), "--data", str(other)).returncode == 0
    assert {k: v[0] for k, v in snapshot(empty).items()} == {k: v[0] for k, v in snapshot(other).items()}


# --- the example data's records are reused ---------------------------------------------------


def test_existing_regions_and_sources_are_reused_and_new_ids_made_unique_by_parent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    csv_file = tmp_path / "iraq.csv"
    csv_file.write_text(export([event(), event(event_id_cnty="IRQ2", admin2="Kirkuk", admin3="", location="Kirkuk",
                                           source="Rudaw; Shafaq News")]), "utf-8")
    done = run("import", "acled", str(csv_file), "--data", str(data))
    assert done.returncode == 0, done.stderr
    result = validate(data)
    assert not result.report.problems, [p.format_text() for p in result.report.problems]
    regions = result.dataset.kind("regions")
    found = incidents(data)
    # Hawija: admin2 is the example data's district; admin3 and the location are new, under it
    place = regions[found["irq1"]["region"]].record
    sub = regions[place.parent].record
    assert sub.parent == "hawija" and (sub.id, sub.name) == ("hawija-hawija", "Hawija (Hawija)")
    assert place.name == "Hawija (Hawija, place)" and place.level == "place"
    # Kirkuk as admin1 is `kirkuk`; as admin2, a district of its own inside it
    district = regions[regions[found["irq2"]["region"]].record.parent].record
    assert (district.id, district.parent, district.level) == ("kirkuk-kirkuk", "kirkuk", "district")
    assert found["irq1"]["sources"] == [{"source": "rudaw"}]
    assert found["irq2"]["sources"][0] == {"source": "rudaw"}


def test_regions_of_one_name_in_several_provinces_get_distinct_names_that_fit(tmp_path: Path) -> None:
    # ACLED repeats a name at every level (district, subdistrict and place "Hawija", in several
    # provinces): the names' last fallback, a hash of the parent's name, came out the same for
    # two of them (a duplicate-alias warning in the import's own records), and a long name plus
    # its suffix was over the limit (a record that fails to load).
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    csv_file = tmp_path / "iraq.csv"
    csv_file.write_text(export([event(), event(event_id_cnty="IRQ2", admin1="Aux"),
                                event(event_id_cnty="IRQ3", admin1="Aux2"),
                                event(event_id_cnty="IRQ4", admin2="Y" * 300),
                                event(event_id_cnty="IRQ5", admin1="Aux", admin2="Y" * 300)]), "utf-8")
    done = run("import", "acled", str(csv_file), "--data", str(data))
    assert done.returncode == 0, done.stderr
    result = validate(data)
    assert not result.report.problems, [p.format_text() for p in result.report.problems]
    again = run("import", "acled", str(csv_file), "--data", str(data))
    assert again.stdout.startswith("0 created, 5 unchanged, "), again.stdout


def test_roles_come_from_the_event_type_else_associated(empty: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(export([
        event(),  # a battle: who attacked is not said
        event(event_id_cnty="IRQ2", event_type="Violence against civilians", sub_event_type="Attack",
              actor2="Civilians (Iraq)", inter2="7", assoc_actor_2="Farmers (Iraq); Women (Iraq)"),
    ]), "utf-8")
    assert run("import", "acled", str(csv_file), "--data", str(empty)).returncode == 0
    found = incidents(empty)
    assert [a["role"] for a in found["irq1"]["actors"]] == ["associated", "associated"]
    assert found["irq2"]["actors"] == [
        {"actor": "islamic-state-iraq", "role": "perpetrator"}, {"actor": "civilians-iraq", "role": "target"},
        {"actor": "farmers-iraq", "role": "associated"}, {"actor": "women-iraq", "role": "associated"}]
    kinds = {p.stem: load_file(str(p)).records[0].data["kind"] for p in (empty / "actors").glob("*.yml")}
    assert kinds["islamic-state-iraq"] == "armed-group" and kinds["military-forces-of-iraq-2018"] == "state-forces"


def test_a_long_id_is_cut_and_a_hash_added() -> None:
    long = "Unidentified Armed Group " * 6
    made = acled.make_id(long)
    assert len(made) <= 80 and made != acled.make_id(long + "x")
    assert made.startswith("unidentified-armed-group-") and made[-7] == "-"


# --- idempotence: hand edits, --update, removed events ---------------------------------------


def test_a_hand_edit_is_reported_and_kept_unless_update(empty: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(export([event()]), "utf-8")
    assert run("import", "acled", str(csv_file), "--data", str(empty)).returncode == 0
    path = empty / "incidents/2020/04/irq1.yml"
    edited = path.read_text("utf-8").replace("summary: On 13 April", "summary: Edited. On 13 April")
    path.write_text(edited, "utf-8")
    again = run("import", "acled", str(csv_file), "--data", str(empty))
    assert again.returncode == 0
    assert again.stdout.startswith("0 created, 0 unchanged, 0 updated, 1 skipped")
    assert f"{path}:1:1: warning: incident `irq1` was edited since it was imported" in again.stderr
    assert "[acled-edited]" in again.stderr
    assert path.read_text("utf-8") == edited
    forced = run("import", "acled", str(csv_file), "--data", str(empty), "--update")
    assert forced.stdout.startswith("0 created, 0 unchanged, 1 updated, 0 skipped"), forced.stdout
    assert "Edited." not in path.read_text("utf-8")


def test_a_newer_export_updates_unedited_records_and_reports_removed_events(empty: Path, tmp_path: Path) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(export([event(), event(event_id_cnty="IRQ2", event_date="2020-04-20")]), "utf-8")
    new.write_text(export([event(fatalities="3"), event(event_id_cnty="IRQ3", event_date="2020-04-25")]), "utf-8")
    assert run("import", "acled", str(old), "--data", str(empty)).returncode == 0
    newer = run("import", "acled", str(new), "--data", str(empty))
    assert newer.returncode == 0, newer.stderr
    assert newer.stdout.startswith("1 created (1 incident), 0 unchanged, 1 updated, 0 skipped"), newer.stdout
    assert incidents(empty)["irq1"]["casualties"] == [{"group": "unknown", "killed": 3}]
    assert "incident `irq2` (ACLED event IRQ2) is not in this export" in newer.stderr
    assert (empty / "incidents/2020/04/irq2.yml").is_file()  # reported, never deleted


# --- bad input: a clear error, and nothing written -------------------------------------------


def test_a_file_that_is_not_an_export_names_the_missing_columns(empty: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,date,what\n1,2022-06-30,a protest\n", "utf-8")
    done = run("import", "acled", str(other), "--data", str(empty))
    assert done.returncode == 1
    assert "not an ACLED export: the header has no column event_id_cnty, event_date," in done.stderr
    assert "nothing was imported" in done.stderr and not any(empty.iterdir())


def test_bad_rows_are_named_by_line_and_nothing_is_written(empty: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(export([event(), event(event_id_cnty="IRQ2", event_date="06/30/2022"),
                                event(event_id_cnty="IRQ3", notes="line one\nline two", fatalities="many"),
                                event(event_id_cnty="IRQ4", sub_event_type="Picnic")]), "utf-8")
    done = run("import", "acled", str(csv_file), "--data", str(empty))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == f"{csv_file}:3:1: error: `event_date` 06/30/2022 is not a date (2022-06-30 or 30 June 2022, " \
                       "between 1900 and 2100) [acled-bad-row]"
    assert lines[1].startswith(f"{csv_file}:4:1: error: `fatalities` many is not a whole number")  # line 4: its start
    assert lines[2].startswith(f"{csv_file}:6:1: error: `sub_event_type` Picnic is not one of ACLED's")
    assert not any(empty.iterdir())


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_only_a_regular_file_is_read(empty: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "e.csv"
    if kind == "symlink":
        target.symlink_to(SAMPLE)
    else:
        os.mkfifo(target)
    done = run("import", "acled", str(target), "--data", str(empty))
    assert done.returncode == 1 and not any(empty.iterdir())
    assert "[file-symlink]" in done.stderr if kind == "symlink" else "[file-not-regular]" in done.stderr


def test_a_huge_cell_is_a_bad_row(empty: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(export([event(notes="x" * 10_000_000)]), "utf-8")
    done = run("import", "acled", str(csv_file), "--data", str(empty))
    assert done.returncode == 1 and "field larger than field limit" in done.stderr
    assert not any(empty.iterdir())


def test_a_failed_write_leaves_no_partial_import(empty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import write
    from generator.write import CannotWrite

    plan = acled.import_acled(SAMPLE.read_bytes(), str(SAMPLE), empty)
    real_link, calls = os.link, []

    def failing(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 300:
            raise OSError(28, "No space left on device", dst)
        real_link(src, dst)

    monkeypatch.setattr(write.os, "link", failing)
    with pytest.raises(CannotWrite):
        write.put_files(empty, [(f.path, f.data, f.replaces) for f in plan.files])
    assert len(calls) == 300
    assert not list(empty.rglob("*")), "files or folders were left behind"


# --- hostile values: data, read back as written ----------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "**bold** [link](javascript:x)", "key: value # not a comment",
           "- leading dash", "NO", "'quoted'", '"double"', "line one\nline two", "tab\there", "bell\x07ring",
           "{{ jinja }} {% x %}", "@at `tick` |pipe >gt", "trailing space ", "null", "2020-04-13", "1e3",
           "#hash", "&anchor *alias !tag", "\u202eright-to-left", "ünïcödé داعش", "%percent", "? question"]


def test_hostile_values_read_back_identically(empty: Path, tmp_path: Path) -> None:
    rows = [event(event_id_cnty=f"IRQ{i}", notes=text, actor1=f"{text} actor".strip(), location=text.strip(),
                  source=f"{text} news", tags="")
            for i, text in enumerate(HOSTILE)]
    csv_file = tmp_path / "e.csv"
    csv_file.write_text(export(rows), "utf-8")
    done = run("import", "acled", str(csv_file), "--data", str(empty))
    assert done.returncode == 0, done.stderr
    result = validate(empty)
    assert not [p for p in result.report.problems if p.severity == "error"], result.report.problems
    actors = {a.id: a.record.name for a in result.dataset.kind("actors").values()}
    sources = {s.id: s.record.name for s in result.dataset.kind("sources").values()}
    regions = result.dataset.kind("regions")
    found = incidents(empty)
    for i, text in enumerate(HOSTILE):
        record = found[f"irq{i}"]
        assert record["summary"] == text.strip()  # CSV cells are stripped of surrounding spaces
        assert actors[record["actors"][0]["actor"]] == f"{text} actor".strip()
        assert sources[record["sources"][0]["source"]] == f"{text} news"
        region = regions[record["region"]].record
        assert text.strip() in (region.name, (region.extra or {}).get("acled_name"))
        assert record["title"] == f"Armed clash in {text.strip()}: {text} actor vs Military Forces of Iraq (2018-)"
    for path in sorted(empty.rglob("*.yml")):
        assert format_bytes(path.read_bytes(), str(path), path.relative_to(empty).parts[0]) == path.read_bytes(), path


@pytest.mark.parametrize("text", HOSTILE + [
    "plain words", "a, b; c (d) [e]", "x: y", "a #b", "a#b", "ok:", " lead: x", "é: ü ‘x’ – y", "a  b: c", "it's: x",
    "x: 😀", "nbsp\xa0here: x", "x: \u2028", "x: \ufeff", "1: 2", "-: x", "x:y z", "Town 5: Group (North)"])
def test_one_line_values_are_written_as_fmt_writes_them(text: str) -> None:
    record = {"id": "x", "name": text, "kind": "media"}
    dumped = acled.dump(record, "sources")
    assert format_bytes(dumped, "x.yml", "sources") == dumped
    assert load_file("x.yml", dumped).records[0].data["name"] == text


def test_a_linked_folder_in_the_data_folder_is_never_written_through(empty: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (empty / "regions").symlink_to(elsewhere, target_is_directory=True)
    done = run("import", "acled", str(SAMPLE), "--data", str(empty))
    assert done.returncode == 2 and "is a symbolic link" in done.stderr and "nothing was written" in done.stderr
    assert not any(elsewhere.iterdir()) and [p.name for p in empty.iterdir()] == ["regions"]


def test_a_million_rows_are_refused_at_the_cap() -> None:
    row = ",".join(["x"] * len(HEADER)) + "\n"
    raw = (",".join(HEADER) + "\n" + row * (acled.MAX_ROWS + 1)).encode()
    with pytest.raises(acled.ImportProblems) as caught:
        acled.read_export(raw, "big.csv")
    [found] = caught.value.problems
    assert (found.line, found.code) == (acled.MAX_ROWS + 2, "acled-file")
    assert "more than 200,000 rows" in found.message


def test_import_then_export_csv_gives_back_the_mapped_columns(tmp_path: Path) -> None:
    """The round trip of issue 12: import the shared ACLED sample, export the data as CSV, and every
    column the import maps comes back as ACLED wrote it, row by row (matched by event_id_cnty)."""
    data = tmp_path / "data"
    data.mkdir()
    assert run("import", "acled", str(SAMPLE), "--data", str(data)).returncode == 0
    out = tmp_path / "export.csv"
    exported = run("export", "--format", "csv", "--data", str(data), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    sample = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(SAMPLE.read_text("utf-8-sig")))}
    back = {row["event_id_cnty"]: row for row in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
    assert set(back) == set(sample)
    # The columns the import keeps, as text or as fields of ours (ACLED's sides actor1/actor2 and
    # their associated actors are all `associated` to us, so which side an actor was on is not kept).
    kept = ["event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "inter1",
            "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
            "admin3", "location", "latitude", "longitude", "geo_precision", "source_scale", "notes",
            "fatalities", "tags", "timestamp"]
    differ = {(event, column, sample[event][column], back[event][column])
              for event in sample for column in kept
              if _same(column, sample[event][column]) != _same(column, back[event][column])}
    assert sorted(differ)[:10] == []
    for event, row in sample.items():  # every actor and source is still named, on one side or the other
        named = {row[c] for c in ("actor1", "actor2") if row[c]} | {
            a for c in ("assoc_actor_1", "assoc_actor_2") for a in row[c].split("; ") if a}
        named_back = {back[event][c] for c in ("actor1", "actor2") if back[event][c]} | {
            a for c in ("assoc_actor_1", "assoc_actor_2") for a in back[event][c].split("; ") if a}
        assert named == named_back, event
        assert set(row["source"].split("; ")) == set(back[event]["source"].split("; ")), event


def _same(column: str, value: str) -> str:
    """A cell as compared: numbers as numbers (4 decimals of a coordinate, as ACLED gives them)."""
    if column in ("latitude", "longitude") and value:
        return f"{float(value):.4f}"
    return value
