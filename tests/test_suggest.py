""""Did you mean" over many records (issue 9, item 9): the same suggestions as a comparison with
every id, name and alias, found by comparing with a bounded few. Speed is measured by
bench/bench_suggest.py (docs/performance.md), not here."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.problems import Suggester, did_you_mean
from generator.validate import validate

_SYLLABLES = ["ba", "ka", "ri", "mu", "sha", "al", "din", "ya", "har", "qa", "zu", "tel", "abu", "bir", "kan",
              "wad", "ash", "jis", "sul", "man", "hu", "ra", "tik", "khan", "dar"]


def many_labels(count: int = 10_000, seed: int = 7) -> dict[str, str]:
    """`count` made-up actors: each id, name and alias mapped to the id (as `link` builds them)."""
    rng = random.Random(seed)  # noqa: S311  # seeded test data, reproducible on purpose

    def name() -> str:
        return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                        for _ in range(rng.randint(1, 3)))

    labels: dict[str, str] = {}
    ids: set[str] = set()
    while len(ids) < count:
        title = name()
        record_id = title.lower().replace(" ", "-")
        if record_id in ids:
            continue
        ids.add(record_id)
        for label in (record_id, title, name()):
            labels.setdefault(label, record_id)
    return labels


LABELS = many_labels()
IDS = sorted(set(LABELS.values()))


def typos(word: str) -> list[str]:
    """One of each typical typo of `word`: a letter wrong, missing, added, two letters swapped."""
    i = len(word) // 2
    return [word[:i] + "x" + word[i + 1 :], word[:i] + word[i + 1 :], word[:i] + "q" + word[i:],
            word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]]


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(LABELS, LABELS)


@pytest.mark.parametrize("record_id", IDS[::1250])
def test_typical_typos_get_the_same_suggestion_as_a_full_comparison(record_id: str, suggester: Suggester) -> None:
    for typo in typos(record_id):
        if typo in LABELS:
            continue
        expected = did_you_mean(typo, LABELS, LABELS)  # every label compared, as before
        assert expected, typo
        assert suggester.suggest(typo) == expected, typo


def test_two_typos_get_the_same_suggestion_as_a_full_comparison(suggester: Suggester) -> None:
    # Not one typo away: found by the second step, the choices sharing the word's rarest letter pairs.
    compared = 0
    for record_id in IDS[7::1000]:
        first = typos(record_id)[0]  # a letter wrong in the middle ...
        word = first[:2] + first[3:]  # ... and one missing near the start
        if word in LABELS:
            continue
        expected = did_you_mean(word, LABELS, LABELS)
        if expected:
            compared += 1
            assert suggester.suggest(word) == expected, word
    assert compared >= 5


def test_a_typo_points_at_its_id(suggester: Suggester) -> None:
    record_id = IDS[100]
    for typo in typos(record_id):
        assert f"did you mean `{record_id}`" in suggester.suggest(typo) or typo in LABELS


def test_an_alias_or_a_name_suggests_the_id(suggester: Suggester) -> None:
    alias = next(label for label, record_id in LABELS.items() if label != record_id and " " in label)
    assert suggester.suggest(alias) == f" — did you mean `{LABELS[alias]}` ({alias!r} is one of its names)?"
    shouted = IDS[5].upper()  # the same letters in capitals
    assert suggester.suggest(shouted) == did_you_mean(shouted, LABELS, LABELS) != ""


def test_nothing_close_suggests_nothing(suggester: Suggester) -> None:
    assert suggester.suggest("zzzzzzzz-qqqqqqq") == ""


def test_the_work_per_reference_is_bounded(suggester: Suggester) -> None:
    # difflib, the slow part, sees at most MAX_EXAMINED choices per step (two steps), never all 30,000.
    before = suggester.examined
    words = [typo for record_id in IDS[:200] for typo in typos(record_id)] + ["zzzzzzzz-qqqqqqq", "a", "ab-"]
    for word in words:
        start = suggester.examined
        suggester.suggest(word)
        assert suggester.examined - start <= 2 * Suggester.MAX_EXAMINED + 1, word
    assert suggester.examined - before < len(words) * 20  # typical typos: a handful each


def test_validate_suggests_the_id_among_many_actors(base_data: Path) -> None:
    record_id = IDS[42]
    folder = base_data / "actors" / "many"
    folder.mkdir()
    (folder / "all.yml").write_text("".join(f"- id: {i}\n  name: Actor {n}\n  kind: other\n"
                                            for n, i in enumerate(IDS[:2000])), encoding="utf-8")
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    typo = typos(record_id)[0]
    attack.write_text(attack.read_text(encoding="utf-8").replace("{actor: isis, role: perpetrator}",
                                                                 f"{{actor: {typo}, role: perpetrator}}"))
    [problem] = validate(base_data).report.sorted()
    assert problem.code == "unknown-reference"
    assert problem.message == f"actors[0].actor: there is no actor with id `{typo}` — did you mean `{record_id}`?"


def test_a_pasted_document_as_a_reference_is_reported_quickly(base_data: Path) -> None:
    # 1 MB where an id belongs: the message quotes its start, and no suggestion is searched for
    # (a one-typo index lookup would build a million strings of a million characters).
    attack = base_data / "incidents" / "2020" / "04" / "attack.yml"
    attack.write_text(attack.read_text(encoding="utf-8").replace("region: hawija", "region: " + "k" * 1_000_000))
    [problem] = validate(base_data).report.sorted()
    assert problem.code == "unknown-reference"
    assert problem.message == "region: there is no region with id `" + "k" * 59 + "…`"
