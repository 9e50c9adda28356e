"""The "What's new" and Corrections pages, and corrections on the records, as readers see them:
built from real Git repositories made in temporary folders, with commits at fixed dates so that
"since the previous month" is the same on every run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import BASE
from generator import changes
from generator.link import Dataset
from generator.site import render_pages, site_pages
from generator.validate import validate
from git_helpers import commit_all, git, init_repo, isolated_git  # noqa: F401  # fixtures, found by name
from test_build import make_project

ATTACK = Path("incidents/2020/04/attack.yml")


def incident(record_id: str, title: str, date: str = "2020-04-20", extra: str = "") -> str:
    """A valid incident of the base dataset's world."""
    return (f"id: {record_id}\ntitle: {title}\ndate: {date}\ntype: armed-clash\nregion: hawija\n"
            "actors:\n  - {actor: isis, role: perpetrator}\nsources:\n  - source: rudaw\n" + extra)


def write(data: Path, rel: str, text: str) -> None:
    path = data / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def pages(data: Path, preview: bool = False, history: bool = True) -> dict[str, str]:
    """The Markdown of the What's new and Corrections pages and of the month pages, for `data`."""
    result = validate(data)
    assert result.report.ok, [p.format_text() for p in result.report.sorted()]
    items = site_pages(result.dataset, result.config, preview=preview, data_dir=data if history else None)
    wanted = [p for p in items if p.path.startswith(("whatsnew/", "corrections/", "timeline/"))]
    return render_pages(wanted, result.config)  # type: ignore[return-value]  # these folders hold no chart: text


def section(md: str, heading: str) -> str:
    """The text under a `## heading`, up to the next one."""
    match = re.search(rf"^## {re.escape(heading)}.*$", md, re.M)
    assert match, f"no heading {heading!r} in:\n{md}"
    rest = md[match.end():]
    end = re.search(r"^## ", rest, re.M)
    return rest[: end.start()] if end else rest


def anchors(md: str) -> set[str]:
    return set(re.findall(r"\{ #([a-z0-9-]+) \}", md))


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository with three commits, on 10 January, 20 February and 15 March 2024; the data
    folder and the commits by name. What changed after the January commit, and how:

    - `attack`: more killed (February) — changed; `promoted`: draft in January, published in March
      — new; `fresh`: added in March — new; `secret`: a draft added in March — never shown;
    - `withdrawn`: published in January, a draft in March; `said`: deleted — no longer published;
    - `draft-edit`: a draft edited in February — never shown."""
    root = init_repo(tmp_path / "repo")
    data = root / "data"
    shutil.copytree(BASE, data)
    draft = "status: draft\n"
    write(data, "incidents/2020/04/promoted.yml", incident("promoted", "Promoted after review", extra=draft))
    write(data, "incidents/2020/04/withdrawn.yml", incident("withdrawn", "Withdrawn after doubts"))
    write(data, "incidents/2020/04/draft-edit.yml", incident("draft-edit", "Draft DRAFT-ONE", extra=draft))
    commits = {"january": commit_all(root, "january", "2024-01-10T12:00:00Z")}
    (data / ATTACK).write_text((data / ATTACK).read_text("utf-8").replace("killed: 1", "killed: 2"), "utf-8")
    write(data, "incidents/2020/04/draft-edit.yml", incident("draft-edit", "Draft DRAFT-TWO", extra=draft))
    commits["february"] = commit_all(root, "february", "2024-02-20T12:00:00Z")
    write(data, "incidents/2020/04/promoted.yml", incident("promoted", "Promoted after review"))
    write(data, "incidents/2020/05/fresh.yml", incident("fresh", "A fresh incident <em>here</em>", "2020-05-02"))
    write(data, "incidents/2020/04/secret.yml", incident("secret", "SECRET-DRAFT", extra=draft))
    write(data, "incidents/2020/04/withdrawn.yml", incident("withdrawn", "Withdrawn after doubts", extra=draft))
    (data / "statements" / "2020" / "04" / "said.yml").unlink()
    commits["march"] = commit_all(root, "march", "2024-03-15T12:00:00Z")
    return data, commits


def test_whats_new_since_the_previous_month(history: tuple[Path, dict[str, str]]) -> None:
    data, commits = history
    md = pages(data)["whatsnew/index.md"]
    # the newest commit is of 15 March: the latest commit older than 15 February is January's
    assert "since 10 January 2024" in md
    assert f"(commit {commits['january'][:12]})" in md
    new, changed, gone = section(md, "New"), section(md, "Changed"), section(md, "No longer published")
    assert new.strip().splitlines() == [
        "- **2 May 2020** · [A fresh incident &lt;em&gt;here&lt;/em&gt;](../timeline/2020-05.md#fresh) · incident",
        "- **20 April 2020** · [Promoted after review](../timeline/2020-04.md#promoted) · incident",
    ]
    assert changed.strip().splitlines() == [
        "- **12 April 2020** · [An attack on a checkpoint](../timeline/2020-04.md#attack) · incident"
        " · changed: *casualties\\[0\\]\\.killed*",
    ]
    assert [line for line in gone.splitlines() if line.startswith("- ")] == [  # as readers last saw them
        "- Withdrawn after doubts · incident · id *withdrawn*",
        "- A Spokesman&#58; Something was said\\. · statement · id *said*",
    ]
    for hidden in ("SECRET", "DRAFT-ONE", "DRAFT-TWO", "secret", "draft-edit"):
        assert hidden not in md  # drafts are never listed


def withdraw_with_new_words(root: Path, data: Path) -> None:
    """In the repository `root` holding `data`: commit on 10 January 2024 a published incident, a
    published statement and two actors; on 15 March, give the incident and the statement new secret
    words and set them to draft, rename the statement's speaker, and delete an incident, an actor
    and the statement it made."""
    write(data, "incidents/2020/04/gone.yml", incident("gone", "Deleted after review", "2020-04-21"))
    write(data, "actors/ghost.yml", "id: ghost\nname: Ghost Brigade\nkind: armed-group\n")
    write(data, "statements/2020/04/boast.yml", "id: boast\ndate: 2020-04-22\nspeaker: ghost\n"
                                               "quote: We were there.\nsources:\n  - source: rudaw\n")
    commit_all(root, "january", "2024-01-10T12:00:00Z")
    draft = "status: draft\n"
    attack = (data / ATTACK).read_text("utf-8")
    (data / ATTACK).write_text(attack.replace("An attack on a checkpoint", "SECRET-TITLE") + draft, "utf-8")
    said = data / "statements/2020/04/said.yml"
    said.write_text(said.read_text("utf-8").replace("Something was said.", "SECRET-WORDS") + draft, "utf-8")
    spokesman = data / "actors/spokesman.yml"
    spokesman.write_text(spokesman.read_text("utf-8").replace("A Spokesman", "A Renamed Spokesman"), "utf-8")
    (data / "actors/ghost.yml").unlink()
    (data / "statements/2020/04/boast.yml").unlink()
    (data / "incidents/2020/04/gone.yml").unlink()
    commit_all(root, "march", "2024-03-15T12:00:00Z")


def test_no_longer_published_shows_what_was_published_never_the_drafts_text(tmp_path: Path) -> None:
    """Records set back to draft after an edit, and records deleted: the page lists each with the
    text readers last saw (from the revision compared with), never the draft's new words, and in
    the order of that text; a withdrawn statement keeps the name its speaker had then."""
    root = init_repo(tmp_path / "repo")
    data = root / "data"
    shutil.copytree(BASE, data)
    withdraw_with_new_words(root, data)
    for preview in (False, True):
        md = pages(data, preview=preview)["whatsnew/index.md"]
        assert [line for line in section(md, "No longer published").splitlines() if line.startswith("- ")] == [
            "- An attack on a checkpoint · incident · id *attack*",
            "- Deleted after review · incident · id *gone*",
            "- A Spokesman&#58; Something was said\\. · statement · id *said*",
            "- Ghost Brigade&#58; “We were there\\.” · statement · id *boast*",
            "- Ghost Brigade · actor · id *ghost*",
        ]
        assert "SECRET" not in md


def test_every_link_of_whats_new_reaches_its_record(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    rendered = pages(data)
    for target, anchor in re.findall(r"\]\(\.\./(timeline/[0-9-]+\.md)#([a-z0-9-]+)\)", rendered["whatsnew/index.md"]):
        assert anchor in anchors(rendered[target]), (target, anchor)


def test_drafts_stay_out_of_whats_new_in_a_preview_too(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    md = pages(data, preview=True)["whatsnew/index.md"]
    assert "SECRET" not in md and "DRAFT-TWO" not in md
    assert "Withdrawn after doubts" in section(md, "No longer published")


def test_the_latest_commit_older_than_a_month_is_chosen(history: tuple[Path, dict[str, str]]) -> None:
    data, commits = history
    root = data.parent
    git(root, "commit", "-q", "--allow-empty", "-m", "later", date="2024-03-25T12:00:00Z")
    # newest: 25 March; a month before: 25 February; the latest commit older than that: February's
    md = pages(data)["whatsnew/index.md"]
    assert "since 20 February 2024" in md and f"(commit {commits['february'][:12]})" in md
    assert "*No published record changed.*" in section(md, "Changed")  # the attack changed in February


def test_a_configured_revision(history: tuple[Path, dict[str, str]]) -> None:
    data, commits = history
    root = data.parent
    git(root, "tag", "v1", commits["february"])
    (root / "briefing.yml").write_text("whats_new_since: v1\n", "utf-8")
    md = pages(data)["whatsnew/index.md"]
    assert "the version named *v1* (commit " + commits["february"][:12] + ")" in md
    assert "since 20 February 2024" in md
    assert "Promoted after review" in section(md, "New")
    assert "*No published record changed.*" in section(md, "Changed")


def test_a_configured_revision_that_does_not_exist(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    (data.parent / "briefing.yml").write_text("whats_new_since: v9\n", "utf-8")
    md = pages(data)["whatsnew/index.md"]
    assert "whats\\_new\\_since&#58; v9" in md and "unknown revision" in md
    assert "## New" not in md


def test_a_history_younger_than_a_month_makes_every_published_record_new(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo")
    data = root / "data"
    shutil.copytree(BASE, data)
    write(data, "incidents/2020/04/secret.yml", incident("secret", "SECRET-DRAFT", extra="status: draft\n"))
    commit_all(root, "one", "2024-03-01T12:00:00Z")
    commit_all(root, "two", "2024-03-20T12:00:00Z")
    md = pages(data)["whatsnew/index.md"]
    assert "The history of the data is shorter than a month, so every published record is new." in md
    new = section(md, "New")
    for title in ("An attack on a checkpoint", "A Spokesman", "Islamic State \\(ISIS\\)", "Hawija", "Rudaw"):
        assert title in new
    assert "SECRET" not in md


def test_data_outside_git(base_data: Path) -> None:
    md = pages(base_data)["whatsnew/index.md"]
    assert "The data folder of this build is not in a Git repository" in md
    assert "## New" not in md


def test_a_shallow_clone_says_its_history_is_unknown(history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    data, _ = history
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{data.parent}", str(clone))
    md = pages(clone / "data")["whatsnew/index.md"]
    assert "shallow copy of the repository" in md
    assert "## New" not in md


def test_same_repository_state_same_page(history: tuple[Path, dict[str, str]]) -> None:
    data, _ = history
    assert pages(data) == pages(data)


# --- corrections ------------------------------------------------------------------------------------


CORRECTED = {
    "incidents/2020/04/old-fix.yml": incident("old-fix", "Corrected long ago", "2020-04-02",
                                              "corrections:\n  - {date: 2020-05-01, note: First fix}\n"),
    "incidents/2020/04/new-fix.yml": incident(
        "new-fix", "Corrected lately", "2020-04-03",
        "corrections:\n  - {date: 2020-05-03, note: \"Two, not three, were killed: <script>x</script>\"}\n"
        "  - {date: 2020-06-10, note: The place was Hawija}\n"),
    "incidents/2020/04/draft-fix.yml": incident("draft-fix", "DRAFT-FIX", "2020-04-04",
                                                "status: review\ncorrections:\n  - {date: 2020-07-01, note: x}\n"),
    "statements/2020/04/said-fix.yml": ("id: said-fix\ndate: 2020-04-05\nspeaker: spokesman\nquote: Fixed words.\n"
                                        "sources:\n  - source: rudaw\n"
                                        "corrections:\n  - {date: 2020-05-20, note: The quote was shortened}\n"),
}


def test_corrections_page_lists_published_records_newest_correction_first(base_data: Path) -> None:
    for rel, text in CORRECTED.items():
        write(base_data, rel, text)
    for preview in (False, True):
        rendered = pages(base_data, preview=preview, history=False)
        md = rendered["corrections/index.md"]
        assert "DRAFT-FIX" not in md  # records in review are never listed, in a preview neither
        assert "3 records have been corrected, 4 times in all." in md
        lines = [line for line in md.splitlines() if line.startswith(("- ", "    - "))]
        assert lines == [
            "- **3 April 2020** · [Corrected lately](../timeline/2020-04.md#new-fix) · incident",
            "    - *Corrected 10 June 2020:* The place was Hawija",
            "    - *Corrected 3 May 2020:* Two, not three, were killed&#58; &lt;script&gt;x&lt;/script&gt;",
            "- **5 April 2020** · [A Spokesman&#58; “Fixed words\\.”](../timeline/2020-04.md#said-fix) · statement",
            "    - *Corrected 20 May 2020:* The quote was shortened",
            "- **2 April 2020** · [Corrected long ago](../timeline/2020-04.md#old-fix) · incident",
            "    - *Corrected 1 May 2020:* First fix",
        ]
        month = rendered["timeline/2020-04.md"]
        for anchor in ("new-fix", "said-fix", "old-fix"):
            assert anchor in anchors(month)


def test_a_record_shows_its_corrections_above_its_facts(base_data: Path) -> None:
    write(base_data, "incidents/2020/04/new-fix.yml", CORRECTED["incidents/2020/04/new-fix.yml"])
    month = pages(base_data, history=False)["timeline/2020-04.md"]
    record = month[month.index("{ #new-fix }"):]
    note = record.index('<div class="admonition note">\n<p class="admonition-title">Corrections</p>')
    assert note < record.index("<strong>Where:</strong>")
    assert record[note:].splitlines()[3:5] == [
        "<li>3 May 2020: Two, not three, were killed: &lt;script&gt;x&lt;/script&gt;</li>",
        "<li>10 June 2020: The place was Hawija</li>",
    ]


def test_no_corrections(base_data: Path) -> None:
    md = pages(base_data, history=False)["corrections/index.md"]
    assert "*No published record has been corrected.*" in md


# --- strict builds ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_both_pages_build_strictly_with_every_section(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", BASE)
    for rel, text in CORRECTED.items():
        write(project.data, rel, text)
    write(project.data, "incidents/2020/04/withdrawn.yml", incident("withdrawn", "Withdrawn after doubts"))
    init_repo(project.root)
    commit_all(project.root, "old", "2024-01-01T00:00:00Z")
    attack = project.data / ATTACK
    attack.write_text(attack.read_text("utf-8").replace("killed: 1", "killed: 3"), "utf-8")
    (project.data / "incidents" / "2020" / "04" / "withdrawn.yml").unlink()
    write(project.data, "incidents/2020/05/fresh.yml", incident("fresh", "A fresh incident", "2020-05-02"))
    commit_all(project.root, "new", "2024-03-01T00:00:00Z")
    result = project.build()
    assert result.returncode == 0, result.stderr
    html = (project.site / "whatsnew" / "index.html").read_text("utf-8")
    assert 'href="../timeline/2020-05/#fresh"' in html  # new
    assert 'href="../timeline/2020-04/#attack"' in html and "<em>casualties[0].killed</em>" in html  # changed
    assert "Withdrawn after doubts" in html  # no longer published
    corrections = (project.site / "corrections" / "index.html").read_text("utf-8")
    assert 'href="../timeline/2020-04/#new-fix"' in corrections
    assert "&lt;script&gt;x&lt;/script&gt;" in corrections and "<script>x" not in corrections
    month = (project.site / "timeline" / "2020-04" / "index.html").read_text("utf-8")
    assert '<p class="admonition-title">Corrections</p>' in month


@pytest.mark.slow
def test_whats_new_built_shows_withdrawn_records_as_last_published(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", BASE)
    init_repo(project.root)
    withdraw_with_new_words(project.root, project.data)
    result = project.build()
    assert result.returncode == 0, result.stderr
    html = (project.site / "whatsnew" / "index.html").read_text("utf-8")
    gone = html[html.index('id="withdrawn"'):]
    for title in ("An attack on a checkpoint", "Deleted after review", "A Spokesman: Something was said.",
                  "Ghost Brigade: “We were there.”", "Ghost Brigade"):
        assert title in gone
    assert "SECRET" not in html


@pytest.mark.slow
@pytest.mark.parametrize("in_git", [False, True])
def test_both_pages_build_strictly_without_any_record(tmp_path: Path, in_git: bool) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    project = make_project(tmp_path / "p", empty)
    if in_git:
        init_repo(project.root)
        commit_all(project.root, "nothing yet")
    result = project.build()
    assert result.returncode == 0, result.stderr
    whatsnew = (project.site / "whatsnew" / "index.html").read_text("utf-8")
    assert ("No new published record" in whatsnew) if in_git else ("not in a Git repository" in whatsnew)
    assert "No published record has been corrected" in (project.site / "corrections" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("numbered", [False, True], ids=["", "numbered-id"])
@pytest.mark.parametrize("preview", [False, True])
def test_a_young_history_from_the_loaded_records_is_the_page_a_reread_gives(
        tmp_path: Path, preview: bool, numbered: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # A build takes every record as new from the records it validated (changes.known_records)
    # instead of reading each file again: the same page as the files read again, drafts and a
    # record in a nested folder included, and records whose id is written as a number (valid
    # data, which the comparison of two revisions notes as "without an `id`" and leaves out).
    root = init_repo(tmp_path / "repo")
    data = root / "data"
    shutil.copytree(BASE, data)
    write(data, "incidents/2020/04/secret.yml", incident("secret", "SECRET-DRAFT", extra="status: draft\n"))
    write(data, "incidents/2020/05/deep/fresh.yml", incident("fresh", "A fresh one", "2020-05-02"))
    if numbered:
        write(data, "sources/numbered.yml", "id: 12345\nname: A numbered outlet\nkind: media\n")
        write(data, "actors/numbered.yml", "id: 2020\nname: A numbered group\nkind: armed-group\n")
    commit_all(root, "one", "2024-03-01T12:00:00Z")
    used: list[str] = []
    real = changes.known_records

    def spy(data_dir: Path, dataset: Dataset) -> changes.Changes:
        used.append("known")
        return real(data_dir, dataset)

    monkeypatch.setattr(changes, "known_records", spy)
    known = pages(data, preview=preview)
    assert used == ["known"]
    monkeypatch.setattr(changes, "known_records", lambda data_dir, _dataset: changes.changes_since(None, data_dir))
    assert pages(data, preview=preview) == known
    assert "A fresh one" in section(known["whatsnew/index.md"], "New")
