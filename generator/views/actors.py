"""Actor pages and the index of actors.

One page per actor (never one per incident): who it is, its figures computed from the visible
incidents, a monthly chart with the table of the same numbers, and capped lists of its latest
incidents and statements, each a line linking to the record in the timeline. Full records are
not repeated here: the timeline holds them, and search finds them there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from .. import figures
from ..charts import ChartSpec
from ..dates import format_date
from ..link import Entry
from ..models import CASUALTY_KINDS, Actor, Incident, Statement
from ..render import isolate_text
from ..routes import ACTORS_INDEX, TIMELINE_INDEX, actor_page, chart_file, href
from .common import Context, Family, Kept, Page, Ref, made_whole, slug_label
from .trend import (CasualtyIndex, RecordLine, Subject, Tally, Trend, casualty_index, monthly, newest,
                    record_line, tally)

#: An incident is counted once in the chart, under the actor's main role in it: the first of
#: these that it has (an actor both claiming and carrying out an attack is its perpetrator).
#: A suspected perpetrator (held responsible by a source or government, not established) is a
#: series of its own, never counted as a perpetrator.
ROLE_ORDER = ("perpetrator", "claimant", "suspected", "target", "responder", "mediator", "associated")
ROLE_SERIES = {"perpetrator": "Perpetrator", "claimant": "Claimant", "suspected": "Suspected perpetrator",
               "target": "Target", "responder": "Responder", "mediator": "Mediator", "associated": "Associated"}


@dataclass(frozen=True)
class Words:
    """How a page refers to its actor: "it" for a group or a body, "they" for a person."""

    subj: str
    obj: str
    poss: str


WORDS = Words("it", "it", "its")
PERSON_WORDS = Words("they", "them", "their")


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str
    link: Ref | None = None  # the record a figure points at (first and last seen)


@dataclass(frozen=True)
class Speaker:
    actor: Ref
    title: str | None


@dataclass(frozen=True)
class ActorPage:
    path: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    words: Words
    title: str | None  # a person's position
    country: str | None
    description: str | None
    parent: Ref | None
    affiliation: Ref | None
    members: tuple[Ref, ...]  # actors whose parent this is
    speakers: tuple[Speaker, ...]  # people whose affiliation this is
    figures: tuple[FigureRow, ...]
    trend: Trend
    incidents: tuple[RecordLine, ...]
    more_incidents: int
    statements_by: tuple[RecordLine, ...]
    more_by: int
    statements_about: tuple[RecordLine, ...]
    more_about: int
    timeline_href: str
    index_href: str


@dataclass(frozen=True)
class ActorRow:
    actor: Ref
    kind: str
    incidents: int
    suffered: str  # killed among its own, as in its page's figures
    last_seen: str


@dataclass(frozen=True)
class ActorsIndex:
    path: str
    rows: tuple[ActorRow, ...]
    timeline_href: str


def pages(ctx: Context) -> list[Page | ChartSpec | Kept]:
    """The index of actors, one page per actor, and each actor's monthly chart."""
    index, actor_pages, charts = _build(ctx)
    out: list[Page | ChartSpec | Kept] = [Page(index.path, "actors_index.md.j2", index)]
    return out + actor_pages + charts


#: This module as a page family of the site (views/families.py lists it).
FAMILY = Family("actors", pages)


@dataclass
class _Involvement:
    """What one actor is part of, gathered in one pass over the visible records."""

    incidents: list[tuple[Entry[Incident], tuple[str, ...]]]  # with the actor's roles in each
    by: list[Entry[Statement]]
    about: list[Entry[Statement]]


def _gather(ctx: Context) -> dict[str, _Involvement]:
    found: dict[str, _Involvement] = defaultdict(lambda: _Involvement([], [], []))
    for entry in ctx.incidents():
        roles: dict[str, list[str]] = defaultdict(list)
        for role in entry.record.actors:
            roles[role.actor].append(role.role or "associated")
        for actor_id, names in roles.items():
            found[actor_id].incidents.append((entry, tuple(names)))
    for said in ctx.statements():
        # "by" an actor: its own words, or a spokesperson's on its behalf
        behalf = ctx.dataset.speaks_for(said.record)
        speakers = {said.record.speaker} if behalf is None else {said.record.speaker, behalf}
        for actor_id in sorted(speakers):
            found[actor_id].by.append(said)
        for actor_id in dict.fromkeys(said.record.about):
            found[actor_id].about.append(said)
    return found


def build(ctx: Context) -> tuple[ActorsIndex, list[ActorPage], list[ChartSpec]]:
    """The index, every actor page and every chart, as data (none taken from a page record)."""
    index, made, charts = _build(ctx)
    pages, specs = made_whole(made, charts, ActorPage, "actor")
    return index, pages, specs


def _build(ctx: Context) -> tuple[ActorsIndex, list[Page | Kept], list[ChartSpec | Kept]]:
    """The index, every actor page and every chart (each page or chart as data, or `Kept`)."""
    tables = figures.tables(ctx)
    casualties = casualty_index(tables)
    months = dict(zip(tables.incidents["id"], tables.incidents["month"], strict=True))  # two columns of one table
    involved = _gather(ctx)
    pages_out: list[Page | Kept] = []
    charts: list[ChartSpec | Kept] = []
    rows = []
    records = {e.id: e.record for e in ctx.incidents()}
    for actor_id, entry in ctx.dataset.actors.items():
        involvement = involved.get(actor_id) or _Involvement([], [], [])
        page, *chart = _kept_actor_page(ctx, casualties, months, records, actor_id, involvement)
        assert isinstance(page, (Page, Kept))  # the page, then its chart when it has one
        pages_out.append(page)
        charts += [c for c in chart if isinstance(c, (ChartSpec, Kept))]
        # The row's figures are worked out here, not taken from the page: a page taken from disk
        # (ViewMemo.kept) gives no data, and the page record holds none (it is not trusted).
        suffered, last_seen = _suffered(casualties, actor_id, involvement), _last_seen(involvement)
        rows.append(ActorRow(
            ctx.actor_ref(actor_id, ACTORS_INDEX), slug_label(entry.record.kind), len(involvement.incidents),
            tally(casualties.count(i, "killed", only=("actor", actor_id)) for i in suffered).short,
            format_date(last_seen[-1].record.date) if last_seen else "",
        ))
    rows.sort(key=lambda row: (row.actor.text.casefold(), row.actor.href))
    return ActorsIndex(ACTORS_INDEX, tuple(rows), href(ACTORS_INDEX, TIMELINE_INDEX)), pages_out, charts


def _kept_actor_page(
    ctx: Context, casualties: CasualtyIndex, months: dict[str, str], records: dict[str, Incident], actor_id: str,
    involvement: _Involvement,
) -> list[Page | ChartSpec | Kept]:
    """`_actor_page` as the page and its chart; or the ones made in serve's last run, or taken
    from disk by `briefing build`'s page record, when what it reads is the same (ViewMemo.page, ViewMemo.kept): the
    records that involve the actor (its incidents with its roles, the statements by it and about
    it) and the incidents that report losses of its own, the same in the same order. The actors
    and regions it names are compared by ViewMemo itself."""
    own = sorted(casualties.incidents_of.get(("actor", actor_id), set()))
    objects = (*(e.record for e, _ in involvement.incidents), None, *(e.record for e in involvement.by), None,
               *(e.record for e in involvement.about), None, *(records[i] for i in own))
    values = repr([names for _, names in involvement.incidents])

    def make() -> list[Page | ChartSpec]:
        page, chart = _actor_page(ctx, casualties, months, actor_id, involvement)
        return [Page(page.path, "actor.md.j2", page), *([chart] if chart else [])]

    return ctx.memo.kept("actors", actor_id, objects, values, make,
                         paths=(actor_page(actor_id), chart_file(_chart_name(actor_id))))


def _chart_name(actor_id: str) -> str:
    return f"actor-{actor_id}-by-month"


def _suffered(casualties: CasualtyIndex, actor_id: str, involvement: _Involvement) -> list[str]:
    """The incidents whose losses count as the actor's own: where it was a target, and any
    (visible) incident that reports losses of its own."""
    targeted = {e.id for e, names in involvement.incidents if "target" in names}
    return sorted(targeted | casualties.incidents_of.get(("actor", actor_id), set()))


def _last_seen(involvement: _Involvement) -> list[Entry[Incident] | Entry[Statement]]:
    """Every record that involves the actor, earliest first (its first and last seen)."""
    seen: list[Entry[Incident] | Entry[Statement]] = [e for e, _ in involvement.incidents]
    seen += involvement.by + involvement.about
    return sorted(seen, key=lambda e: (e.record.date.sort_key(), e.id))


def _actor_page(
    ctx: Context, casualties: CasualtyIndex, months: dict[str, str], actor_id: str,
    involvement: _Involvement,
) -> tuple[ActorPage, ChartSpec | None]:
    """One actor's page and its chart (None without incidents)."""
    actor = ctx.dataset.actors[actor_id].record
    path = actor_page(actor_id)
    own: Subject = ("actor", actor_id)
    w = PERSON_WORDS if actor.kind == "person" else WORDS
    perpetrated = [e.id for e, names in involvement.incidents if "perpetrator" in names]
    suspected = [e.id for e, names in involvement.incidents if "suspected" in names and "perpetrator" not in names]
    targeted = {e.id for e, names in involvement.incidents if "target" in names}
    suffered_ids = _suffered(casualties, actor_id, involvement)

    def inflicted(ids: Iterable[str], kind: str) -> Tally:
        # every count in the incidents it carried out, except its own losses in them
        return tally(casualties.count(i, kind, without=own) for i in ids)

    def suffered(ids: Iterable[str], kind: str) -> Tally:
        return tally(casualties.count(i, kind, only=own) for i in ids)

    figure_rows = [FigureRow(f"Incidents involving {w.obj}", str(len(involvement.incidents)))]
    if involvement.incidents:  # without incidents, the rest would only say "none" several ways
        figure_rows += [FigureRow("… as perpetrator", str(len(perpetrated)))]
        if suspected:  # only attributed: shown apart, and in no perpetrator figure
            figure_rows.append(FigureRow("… as suspected perpetrator (attributed, not established)",
                                         str(len(suspected))))
        figure_rows.append(FigureRow("… as target", str(len(targeted))))
    for kind in CASUALTY_KINDS if involvement.incidents else ():
        given, taken = inflicted(perpetrated, kind), suffered(suffered_ids, kind)
        if kind == "killed" or given.known or taken.known:  # the other kinds only when reported
            figure_rows.append(FigureRow(f"{kind.capitalize()} in incidents {w.subj} perpetrated (not {w.poss} own)",
                                         given.text))
            figure_rows.append(FigureRow(f"{kind.capitalize()} among {w.poss} own", taken.text))

    # First and last seen: the earliest and latest record that involves it, at written precision.
    order = _last_seen(involvement)
    if order:
        for label, entry in (("First seen", order[0]), ("Last seen", order[-1])):
            view = ctx.record_view(entry, path)
            figure_rows.append(FigureRow(label, view.date, Ref(view.title, view.permalink)))
    figure_rows.append(FigureRow(f"Statements by {w.obj} or on {w.poss} behalf", str(len(involvement.by))))
    figure_rows.append(FigureRow(f"Statements about {w.obj}", str(len(involvement.about))))

    # The chart: each incident once, under the actor's main role in it.
    perpetrated_set, suffered_set = set(perpetrated), set(suffered_ids)
    trend, chart = monthly(
        name=_chart_name(actor_id),
        page=path,
        title="Incidents per month, by role",
        alt=f"Bar chart of incidents involving {isolate_text(actor.name)} per month, by role; "
            "the table below gives the numbers",
        incidents=((e.id, months[e.id], min(names, key=ROLE_ORDER.index)) for e, names in involvement.incidents
                   if not e.record.date.open_start),  # a `{to: DATE}` incident is in no month's count
        series=[(role, ROLE_SERIES[role]) for role in ROLE_ORDER],
        note="Each incident is counted once, under the actor's main role in it "
             "(perpetrator, then claimant, suspected perpetrator, target, responder, mediator, associated).",
        undated=sum(1 for e, _ in involvement.incidents if e.record.date.open_start),
        extra_columns=("Killed (perpetrated)", f"Killed ({w.poss} own)"),
        extra=lambda ids: (inflicted([i for i in ids if i in perpetrated_set], "killed").short,
                           suffered([i for i in ids if i in suffered_set], "killed").short),
    )

    roles_of = {e.id: names for e, names in involvement.incidents}
    shown, more_incidents = newest(e for e, _ in involvement.incidents)
    incidents = tuple(
        record_line(ctx.record_view(e, path), ", ".join(ROLE_SERIES[n].lower() for n in dict.fromkeys(roles_of[e.id])))
        for e in shown)
    shown_by, more_by = newest(involvement.by)
    shown_about, more_about = newest(involvement.about)

    others = ctx.dataset.actors.values()
    members = tuple(ctx.actor_ref(o.id, path) for o in _by_name(o for o in others if o.record.parent == actor_id))
    speakers = tuple(Speaker(ctx.actor_ref(o.id, path), o.record.title)
                     for o in _by_name(o for o in others if o.record.affiliation == actor_id))
    page = ActorPage(
        path=path,
        name=actor.name,
        aliases=tuple(actor.aliases),
        kind=slug_label(actor.kind),
        words=w,
        title=actor.title,
        country=actor.country,
        description=actor.description,
        parent=ctx.actor_ref(actor.parent, path) if actor.parent else None,
        affiliation=ctx.actor_ref(actor.affiliation, path) if actor.affiliation else None,
        members=members,
        speakers=speakers,
        figures=tuple(figure_rows),
        trend=trend,
        incidents=incidents,
        more_incidents=more_incidents,
        statements_by=tuple(record_line(ctx.record_view(e, path)) for e in shown_by),
        more_by=more_by,
        statements_about=tuple(record_line(ctx.record_view(e, path)) for e in shown_about),
        more_about=more_about,
        timeline_href=href(path, TIMELINE_INDEX),
        index_href=href(path, ACTORS_INDEX),
    )
    return page, chart


def _by_name(entries: Iterable[Entry[Actor]]) -> list[Entry[Actor]]:
    """Actor entries sorted for reading: by name, then id (deterministic)."""
    return sorted(entries, key=lambda e: (e.record.name.casefold(), e.id))
