"""What every page family shares: the context of a build, a record as a reader sees it
(`RecordView`), a page to render and the interface of a page family. Plain data only: no
Markdown, no HTML. Escaping is the renderer's job; where pages live is `generator/routes.py`'s.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import posixpath
from dataclasses import dataclass, field
from typing import (TYPE_CHECKING, Callable, Iterable, Protocol, Sequence, TypeAlias, TypedDict, TypeGuard,
                    TypeVar, cast)

from ..charts import ChartSpec
from ..config import SiteConfig
from ..dates import format_date, month_key, month_name
from ..kinds import FOLDERS
from ..link import Dataset, Entry
from ..models import DEFAULT_EVENT_TYPES, Actor, Casualty, Citation, CountRange, Incident, Statement, event_label
from ..render import isolate_text
from ..routes import actor_page, href, month_page, record_anchor, region_page

if TYPE_CHECKING:  # changes imports the loader; views need only the type
    from ..changes import History

#: An incident or a statement with where it was written: the records readers see on their own.
#: (A union of two entries, not `Entry[Dated]`: an `Entry` of a subclass is not one of its base.)
Shown: TypeAlias = Entry[Incident] | Entry[Statement]
#: The order of records: the start of the date, then the id.
SortKey: TypeAlias = tuple[tuple[datetime.date, datetime.date], str]
T = TypeVar("T")


def is_incident(entry: Shown) -> TypeGuard[Entry[Incident]]:
    """Whether a shown record is an incident (narrows the entry, not only its record)."""
    return isinstance(entry.record, Incident)


def is_statement(entry: Shown) -> TypeGuard[Entry[Statement]]:
    """Whether a shown record is a statement (narrows the entry, not only its record)."""
    return isinstance(entry.record, Statement)


def slug_label(slug: str) -> str:
    """A slug as a label: `armed-group` → `Armed group`, `governorate` → `Governorate`."""
    return slug.replace("-", " ").capitalize()


def month_title(key: str) -> str:
    """`April 2020` or `2020 — month not known`."""
    year, _, month = key.partition("-")
    return month_name(int(year), int(month) if month else None)


# --- records as readers see them ----------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A link to another page: its text and where it goes (relative to the current page)."""

    text: str
    href: str


@dataclass(frozen=True)
class ActorInvolved:
    actor: Ref
    role: str  # a reader's word: "perpetrator", "target", "suspected perpetrator", ...
    aliases: tuple[str, ...] = ()
    attributed_by: Ref | None = None  # for a suspected perpetrator: who holds it responsible


@dataclass(frozen=True)
class CasualtyLine:
    subject: Ref | str  # an actor (linked) or a group ("civilians")
    counts: tuple[tuple[str, str], ...]  # ("killed", "3–6 (best 4)"), in the order of the format


@dataclass(frozen=True)
class CitationView:
    number: int
    source: str
    title: str | None
    url: str | None
    archive_url: str | None
    published: str | None
    grade: str | None  # Admiralty grade such as "B2", when both parts are known


@dataclass(frozen=True)
class CorrectionView:
    date: str
    note: str


@dataclass(frozen=True, repr=False)
class RecordView:
    """One incident or statement, everything a reader sees of it. Its `repr` (what
    site.RenderCache hashes) is the dataclass's own, made once: a view is kept between serve's
    runs (ViewMemo) and sits on several pages."""

    id: str
    kind: str  # "incident" | "statement"
    title: str
    date: str
    date_note: str | None
    sort_key: SortKey
    month: str  # the month key of the page that holds it
    permalink: str  # page#anchor relative to the page being built
    status: str
    confidence: str
    sources: tuple[CitationView, ...]
    tags: tuple[str, ...] = ()
    corrections: tuple[CorrectionView, ...] = ()
    # incidents
    type_label: str | None = None
    group_label: str | None = None
    region: Ref | None = None
    region_trail: tuple[Ref, ...] = ()
    place: str | None = None
    actors: tuple[ActorInvolved, ...] = ()
    casualties: tuple[CasualtyLine, ...] = ()
    casualties_unknown: bool = False
    summary: str | None = None
    # statements
    speaker: Ref | None = None
    speaker_title: str | None = None
    on_behalf_of: Ref | None = None
    medium: str | None = None
    quote: str | None = None
    paraphrase: str | None = None
    about: tuple[Ref, ...] = ()
    regions: tuple[Ref, ...] = ()
    language: str | None = None

    def __repr__(self) -> str:
        made = self.__dict__.get("_repr")
        if made is None:
            made = _dataclass_repr(self)
            object.__setattr__(self, "_repr", made)  # a cache, not a field: equality and asdict ignore it
        return str(made)


def _dataclass_repr(view: RecordView) -> str:
    """What `@dataclass`'s generated `__repr__` gives: the class's name and every field's repr."""
    return f"{type(view).__qualname__}(" + ", ".join(
        f"{f.name}={getattr(view, f.name)!r}" for f in dataclasses.fields(view)) + ")"


class _Common(TypedDict):
    """The fields of a `RecordView` that incidents and statements share."""

    id: str
    date: str
    date_note: str | None
    sort_key: SortKey
    month: str
    status: str
    confidence: str
    sources: tuple[CitationView, ...]
    tags: tuple[str, ...]
    corrections: tuple[CorrectionView, ...]


def count_text(value: int | CountRange | None) -> str:
    """`20`, `1,020`; a range as `3–6 (best 4)`, `at least 3`, `up to 6`; None as `unknown`."""
    if value is None:
        return "unknown"
    if isinstance(value, int):
        return f"{value:,}"
    low, best, high = value.low, value.best, value.high
    if low is not None and high is not None:
        text = f"{low:,}–{high:,}"
        return f"{text} (best {best:,})" if best is not None else text
    if best is not None:
        extra = f", at least {low:,}" if low is not None else (f", up to {high:,}" if high is not None else "")
        return f"{best:,}{extra}"
    return f"at least {low:,}" if low is not None else f"up to {high:,}"


_KINDS = ("killed", "wounded", "abducted", "arrested")
ROLE_WORDS = {
    "perpetrator": "perpetrator", "target": "target", "claimant": "claimed by", "responder": "responder",
    "associated": "associated", "mediator": "mediator", None: "associated",
    # a party held responsible by a source or government, not established: never "perpetrator"
    "suspected": "suspected perpetrator",
}


@dataclass(frozen=True)
class Kept:
    """A page or chart of `briefing build` taken from disk without making its view (ViewMemo.kept):
    what it was made from is what the page record says the file on disk was made from. `digest`
    is the one its data had when it was made (site._digest), kept in the record for the next
    build; `data` is the file's bytes, already checked against the record's output hash."""

    path: str
    digest: bytes
    data: bytes


class ViewStore(Protocol):
    """What ViewMemo.kept needs of `briefing build`'s page record (pagerecord.PageRecord): the
    pages a view made last time under an input key, as they are on disk (`view`), and
    a note of what a view made in this build (`made`)."""

    def view(self, name: str, input_key: bytes, paths: tuple[str, ...]) -> list[tuple[str, bytes, bytes]] | None: ...

    def made(self, name: str, input_key: bytes, paths: list[str]) -> None: ...

    def text(self, key: bytes) -> str | None: ...

    def put_text(self, key: bytes, text: str) -> None: ...


class ViewMemo:
    """What views made of single records (`Context.record_view`, the search entries), kept between
    the runs of one process (`briefing serve`, through `site.RenderCache`) and within one run.
    Such a view is a function of its record, of what it is made for (the folder of the page it is
    seen from: its links are relative to it; or another tag), of the actors, regions and sources
    it names, and of the site's event types and preview setting: it is kept under the record
    object itself (a file the validation memo holds unchanged keeps its model object,
    validate.FileMemo) and that tag, and every view is forgotten when any actor, region or source
    object, the event types or the preview setting differ from the last run's. It also keeps
    whole pages made from many records (`page`: the region and actor pages), under those records'
    identities. In memory only."""

    def __init__(self) -> None:
        self._world: tuple[object, ...] = ()
        # (id of the record object, tag) -> (the record object, its view): the object is kept, so
        # its id is not reused while the entry lives, and it is compared on each hit.
        self._views: dict[tuple[int, str], tuple[object, object]] = {}
        self._used: dict[tuple[int, str], tuple[object, object]] = {}
        self.hits = 0  # views of the last run taken from the memo (for tests)
        # Whole pages (`page`): (family, key) -> (the objects it was made from, its other inputs as
        # text, what was made).
        self._pages: dict[tuple[str, str], tuple[tuple[object, ...], str, object]] = {}
        self._pages_used: dict[tuple[str, str], tuple[tuple[object, ...], str, object]] = {}
        self.page_hits = 0  # pages of the last run taken from the memo (for tests)
        # `briefing build`'s page record (`kept`), set by the caller before `start`; None: none.
        self.store: ViewStore | None = None
        self._world_key = b""
        self._dataset = Dataset()  # of the run (`start`): its records' digests
        self.kept_hits = 0  # views of this run taken from the page record (for tests)
        # Kept between the runs of one process (serve's, site.RenderCache): views may then keep
        # more of each record (figures.tables' rows) than a build, which makes every page once, holds.
        self.between_runs = False

    def start(self, dataset: Dataset, event_types: dict[str, str], preview: bool, pdfs: bool = False) -> None:
        """Begin a run over `dataset`: keep the views only if what they name is the same objects."""
        self.kept_hits = 0
        if self.store is not None:
            self._start_store(dataset, event_types, preview, pdfs)
        world = (repr((sorted(event_types.items()), preview)),
                 *(e.record for table in (dataset.actors, dataset.regions, dataset.sources) for e in table.values()))
        if len(world) != len(self._world) or world[0] != self._world[0] or any(
                a is not b for a, b in zip(world[1:], self._world[1:], strict=True)):
            self._views, self._pages = {}, {}
        self._world = world
        self._used, self.hits = {}, 0
        self._pages_used, self.page_hits = {}, 0

    def _start_store(self, dataset: Dataset, event_types: dict[str, str], preview: bool, pdfs: bool) -> None:
        """The world key: every actor, region and source (what any view may name) by its digest
        (Dataset.record_digest), the event types, the preview setting and whether the build
        makes PDFs. Empty (no view taken from disk) when one of them has no digest."""
        self._dataset = dataset
        world = hashlib.blake2b(repr((sorted(event_types.items()), preview, pdfs)).encode(), digest_size=32)
        for kind in FOLDERS:
            if kind in ("incidents", "statements"):
                continue
            for entry in dataset.kind(kind).values():
                found = dataset.record_digest(entry.record)
                if found is None:
                    self._world_key = b""
                    return
                world.update(f"{kind}\0{entry.id}\0".encode("utf-8", "surrogatepass") + found)
        self._world_key = world.digest()

    def kept(self, family: str, key: str, objects: tuple[object, ...], values: str,
             make: Callable[[], list[Page | ChartSpec]], paths: tuple[str, ...]) -> list[Page | ChartSpec | Kept]:
        """What `make()` gives for one page of `family` (`key`: which one), like `page`; in
        `briefing build` with a page record (`store`), its pages taken from disk (`Kept`) without
        making the view when its input key is the recorded one and every file it made is on disk
        as recorded. The input key is a digest of the world key (`_start_store`), `family`, `key`,
        `values` and the digest of each of `objects` (the records it reads, in order; None
        separates groups): the same as `page` compares, by content instead of identity. An object
        without a digest (its file was not read in this run) makes the page. `paths`: every file
        `make` can give, in its order, the first always (PageRecord.view checks the record's list
        against them); a view that made another is not recorded (it is made each time)."""
        store = self.store
        input_key = self._input_key(family, key, objects, values) if store is not None else None
        name = f"{family}\0{key}"
        if store is not None and input_key is not None:
            found = store.view(name, input_key, paths)
            if found is not None:
                self.kept_hits += 1
                return [Kept(*page) for page in found]
        made = self.page(family, key, objects, values, make)
        made_paths = [p.path for p in made]
        if store is not None and input_key is not None and made_paths[:1] == list(paths[:1]) and made_paths == [
                path for path in paths if path in made_paths]:
            store.made(name, input_key, made_paths)
        return list(made)

    def _input_key(self, family: str, key: str, objects: tuple[object, ...], values: str) -> bytes | None:
        if not self._world_key:
            return None
        digest = hashlib.blake2b(self._world_key, digest_size=32)
        digest.update(repr((family, key, values, len(objects))).encode("utf-8", "surrogatepass"))
        record_digest = self._dataset.record_digest
        for obj in objects:
            if obj is None:
                digest.update(b"|")
                continue
            found = record_digest(obj)
            if found is None:
                return None
            digest.update(found)
        return digest.digest()

    def text_key(self, record: object, tag: str) -> bytes | None:
        """The input key of a text made of `record` alone for `tag` (and of what the world key
        covers: the actors, regions and sources it names, the event types, the preview setting),
        under which `briefing build`'s page record keeps that text (`store.text`, the search
        file's entry of a record); None without a store, or for a record without a digest."""
        if self.store is None or not self._world_key:
            return None
        found = self._dataset.record_digest(record)
        if found is None:
            return None
        return hashlib.blake2b(self._world_key + tag.encode("utf-8", "surrogatepass") + b"\0" + found,
                               digest_size=32).digest()

    def finish(self) -> None:
        """Forget the views of records this run did not show (an edited record's old object)."""
        self._views, self._used = self._used, {}
        self._pages, self._pages_used = self._pages_used, {}

    def get(self, record: object, tag: str) -> object | None:
        """The view of `record` made for `tag`, if one was made (this run or the last)."""
        key = (id(record), tag)
        kept = self._used.get(key) or self._views.get(key)
        if kept is None or kept[0] is not record:
            return None
        self._used[key] = kept
        self.hits += 1
        return kept[1]

    def put(self, record: object, tag: str, view: object) -> None:
        self._used[(id(record), tag)] = (record, view)

    def page(self, family: str, key: str, objects: tuple[object, ...], values: str, make: Callable[[], T]) -> T:
        """What `make()` gives for one page of `family` (`key`: which one), kept between runs:
        made again unless `objects` (the records it counts, compared by identity: an unchanged
        file keeps its model objects) and `values` (the rest of what it reads, as text) are those
        of the last run. What every view reads anyway (the actors, regions and sources, the event
        types, the preview setting) is compared in `start`; the caller names everything else."""
        kept = self._pages_used.get((family, key)) or self._pages.get((family, key))
        if (kept is not None and kept[1] == values and len(kept[0]) == len(objects)
                and all(a is b for a, b in zip(kept[0], objects, strict=True))):
            self._pages_used[(family, key)] = kept
            self.page_hits += 1
            return cast(T, kept[2])
        made = make()
        self._pages_used[(family, key)] = (objects, values, made)
        return made


@dataclass
class Context:
    """What views need to turn ids into names and links: the dataset and the publication rule."""

    dataset: Dataset
    preview: bool = False
    event_types: dict[str, str] = field(default_factory=dict)  # slug -> group, the site's included
    pdfs: bool = False  # the build writes PDF briefings (views link them only then: see views/briefing.py)
    history: History | None = None  # the data's Git history, for "What's new" (None: not looked at)
    site: SiteConfig | None = None  # briefing.yml: the site's address and licence, for the Data page's exports
    # Record views made before (kept between serve's runs; a build makes its own): see ViewMemo.
    memo: ViewMemo = field(default_factory=ViewMemo, repr=False, compare=False)
    # The visible records in date order, sorted on first use; a Context is made for one build of
    # data that no longer changes.
    _incidents: list[Entry[Incident]] | None = field(default=None, init=False, repr=False, compare=False)
    _statements: list[Entry[Statement]] | None = field(default=None, init=False, repr=False, compare=False)
    # figures.tables(ctx), made once per context: three page families and the PDFs read them.
    _tables: object = field(default=None, init=False, repr=False, compare=False)

    def visible(self, entry: Shown) -> bool:
        """Published records always; drafts and records in review only in a preview build."""
        status = getattr(entry.record, "status", "published")
        return self.preview or status == "published"

    def incidents(self) -> list[Entry[Incident]]:
        """Visible incidents in date order (start of the date, then id)."""
        if self._incidents is None:  # sorted once: every page family and briefing asks
            items = [e for e in self.dataset.incidents.values() if self.visible(e)]
            self._incidents = sorted(items, key=lambda e: (e.record.date.sort_key(), e.id))
        return list(self._incidents)

    def statements(self) -> list[Entry[Statement]]:
        """Visible statements in date order (start of the date, then id)."""
        if self._statements is None:
            items = [e for e in self.dataset.statements.values() if self.visible(e)]
            self._statements = sorted(items, key=lambda e: (e.record.date.sort_key(), e.id))
        return list(self._statements)

    def actor_ref(self, actor_id: str, page: str) -> Ref:
        entry = self.dataset.actors.get(actor_id)
        return Ref(entry.record.name if entry else actor_id, href(page, actor_page(actor_id)))

    def region_ref(self, region_id: str, page: str) -> Ref:
        entry = self.dataset.regions.get(region_id)
        return Ref(entry.record.name if entry else region_id, href(page, region_page(region_id)))

    def source_name(self, source_id: str) -> str:
        entry = self.dataset.sources.get(source_id)
        return entry.record.name if entry else source_id

    def citations(self, citations: Iterable[Citation]) -> tuple[CitationView, ...]:
        out = []
        for number, citation in enumerate(citations, start=1):
            source = self.dataset.sources.get(citation.source)
            reliability = source.record.reliability if source else None
            grade = f"{reliability}{citation.credibility}" if reliability and citation.credibility else None
            out.append(CitationView(
                number, self.source_name(citation.source), citation.title, citation.url, citation.archive_url,
                format_date(citation.published) if citation.published else None, grade,
            ))
        return tuple(out)

    def casualty_line(self, casualty: Casualty, page: str) -> CasualtyLine:
        subject: Ref | str = (self.actor_ref(casualty.actor, page) if casualty.actor
                              else (casualty.group or "unknown").replace("-", " "))
        counts = tuple((kind, count_text(getattr(casualty, kind))) for kind in _KINDS
                       if getattr(casualty, kind) is not None)
        return CasualtyLine(subject, counts)

    def record_view(self, entry: Shown, page: str) -> RecordView:
        """A record as seen from `page` (links are relative to it)."""
        folder = posixpath.dirname(page)  # the view's links depend on the page's folder only
        view = self.memo.get(entry.record, folder)
        if not isinstance(view, RecordView):
            view = self._record_view(entry, page)
            self.memo.put(entry.record, folder, view)
        return view

    def _record_view(self, entry: Shown, page: str) -> RecordView:
        record = entry.record
        key = month_key(record.date)
        common = _Common(
            id=record.id,
            date=format_date(record.date),
            date_note=record.date_note,
            sort_key=(record.date.sort_key(), record.id),
            month=key,
            status=record.status,
            confidence=record.confidence,
            sources=self.citations(record.sources),
            tags=tuple(record.tags),
            corrections=tuple(CorrectionView(format_date(c.date), c.note) for c in record.corrections),
        )
        if isinstance(record, Incident):
            trail = [self.region_ref(r, page) for r in reversed(self.dataset.region_ancestors(record.region))]
            return RecordView(
                kind="incident",
                title=record.title,
                permalink=href(page, month_page(key), record_anchor(record.id)),
                type_label=event_label(record.type),
                group_label=event_label(self.group_of(record.type)),
                region=self.region_ref(record.region, page),
                region_trail=tuple(trail),
                place=record.place,
                actors=tuple(
                    ActorInvolved(self.actor_ref(a.actor, page), ROLE_WORDS[a.role], self.aliases(a.actor),
                                  self.actor_ref(a.attributed_by, page) if a.attributed_by else None)
                    for a in record.actors
                ),
                casualties=tuple(self.casualty_line(c, page) for c in record.casualties),
                casualties_unknown=not record.casualties,
                summary=record.summary,
                **common,
            )
        speaker = self.dataset.actors.get(record.speaker)
        behalf = self.dataset.speaks_for(record)
        return RecordView(
            kind="statement",
            title=statement_title(speaker.record if speaker else None, record),
            permalink=href(page, month_page(key), record_anchor(record.id)),
            speaker=self.actor_ref(record.speaker, page),
            speaker_title=speaker.record.title if speaker else None,
            on_behalf_of=self.actor_ref(behalf, page) if behalf and behalf != record.speaker else None,
            medium=record.medium,
            quote=record.quote,
            paraphrase=record.paraphrase,
            about=tuple(self.actor_ref(a, page) for a in record.about),
            regions=tuple(self.region_ref(r, page) for r in record.regions),
            language=record.language,
            **common,
        )

    def aliases(self, actor_id: str) -> tuple[str, ...]:
        entry = self.dataset.actors.get(actor_id)
        return tuple(entry.record.aliases) if entry else ()

    def group_of(self, event_type: str) -> str:
        """The ACLED group of an event type."""
        return self.event_types.get(event_type) or DEFAULT_EVENT_TYPES.get(event_type, "strategic-developments")


def statement_title(speaker: Actor | None, statement: Statement) -> str:
    """A heading for a statement: who spoke, and the first words of what they said."""
    who = speaker.name if speaker else statement.speaker
    text = statement.quote or statement.paraphrase or ""
    words = text.split()
    excerpt = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    # Two values in one heading: each isolated on its own (the heading as a whole is isolated
    # when it is printed), so that a right-to-left name cannot swap the colon and the quote.
    who, excerpt = isolate_text(who), isolate_text(excerpt)
    return f"{who}: “{excerpt}”" if statement.quote else f"{who}: {excerpt}"


@dataclass(frozen=True)
class Page:
    """A page to render: where it goes, with which template, and what it shows."""

    path: str
    template: str
    data: object


def made_whole(made: Sequence[Page | Kept], charts: Sequence[ChartSpec | Kept], kind: type[T],
               what: str) -> tuple[list[T], list[ChartSpec]]:
    """The data of every page and chart a family made, when none may be taken from a page record
    (the callers that need every view's data, such as the PDFs and serve): a `Kept` one is a bug."""
    found = [p.data for p in made if isinstance(p, Page) and isinstance(p.data, kind)]
    if len(found) != len(made) or any(isinstance(c, Kept) for c in charts):
        raise ValueError(f"{what} pages taken from a page record have no data")
    return found, [c for c in charts if isinstance(c, ChartSpec)]


@dataclass(frozen=True)
class Download:
    """A file the site offers for download, made by a serialiser of `generator/export.py` (not by a
    template): where it goes, its format (`csv`, `json`, `geojson`, `timelinejs`) and its data."""

    path: str
    format: str
    data: object


@dataclass(frozen=True)
class Family:
    """A page family: its name (its row in `routes.FOLDERS`) and the pages (and charts) it makes
    from the context of a build. `views/families.py` lists every family of the site."""

    name: str
    pages: Callable[[Context], Sequence[Page | ChartSpec | Download | Kept]]
    history: bool = False  # it reads `Context.history` (the data's Git history, read only for it)
