"""Titles, definitions and source lines for charts, derived from the metadata tables.

No chart types its own source line: it asks here, so the words always match the
rows drawn (which edition, which sources, which definitions).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from essa_dash.figures._theme import ChartText
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, lookup, per_build
from essa_dash.text import tr
from essa_dash.text.comparisons import flag_key


@dataclass(frozen=True)
class SourceNote:
    """One source behind a chart, as the 'Definition and source' panel lists it."""

    source_id: str
    title: str
    citation: str
    url: str
    licence: str
    edition: str


@dataclass(frozen=True)
class DefinitionNote:
    """One risk's definition in plain words, with the ILO's numerator and denominator."""

    risk: str
    label: str
    definition: str
    numerator: str
    denominator: str
    wording: str


def source_notes(store: Store, source_ids: list[str]) -> list[SourceNote]:
    notes = _source_notes(store)
    return [notes[s] for s in dict.fromkeys(source_ids) if s in notes]


def definition_notes(store: Store, risks: list[str]) -> list[DefinitionNote]:
    notes = _definition_notes(store)
    return [notes[r] for r in dict.fromkeys(risks) if r in notes]


@per_build()
def _source_notes(store: Store) -> dict[str, SourceNote]:
    # once per build and language: every chart cites its rows' sources, and reading them off the table cost a chart ~1 ms
    return {
        sid: SourceNote(sid, title, citation, url, licence, edition)
        for sid, title, citation, url, licence, edition in zip(
            *(store.sources[column] for column in ("source_id", "title", "citation", "url", "licence", "edition")), strict=True
        )
    }


@per_build()
def _definition_notes(store: Store) -> dict[str, DefinitionNote]:
    columns = ("risk", "label", "definition", "numerator", "denominator", "definition_source")
    return {values[0]: DefinitionNote(*values) for values in zip(*(store.risks[column] for column in columns), strict=True)}


def heatmap_text(store: Store, grid: pd.DataFrame) -> ChartText:
    """Caption of the overview heatmap: which edition, what is measured, whose figures."""
    edition = grid[C.edition].iloc[0]
    regions = grid.loc[grid[C.is_aggregate], C.iso3].drop_duplicates()
    covers = store.countries.set_index("iso3").loc[regions, "covers"]
    return ChartText(
        title=tr("Share of people covered, by country and risk: latest year in {edition}", edition=edition_label(store, edition)),
        subtitle=tr("SDG 1.3.1 effective coverage, % of each group (maternity: women giving birth); the year is under each value"),
        source=source_line(store, grid, extra=" ".join(covers)),
    )


def grid_notes(store: Store, grid: pd.DataFrame) -> dict[str, list]:
    """Definitions of the risks and citations of the sources that a frame of cells draws on."""
    return {
        "definitions": definition_notes(store, grid[C.risk].tolist()),
        "sources": source_notes(store, grid[C.source_id].dropna().tolist()),
    }


def edition_label(store: Store, edition: str) -> str:
    return str(lookup(store, "editions", "edition", "label")[edition])


def source_line(store: Store, rows: pd.DataFrame, *, extra: str = "") -> str:
    """The footnote: the citation of every source the rows draw on."""
    citations = [note.citation for note in source_notes(store, rows[C.source_id].dropna().tolist())]
    return " ".join([*citations, extra]).strip()


def profile_bars_text(store: Store, rows: pd.DataFrame, *, country: str, edition: str, sex: str) -> ChartText:
    # the edition comes from the view: an edition may have no row for this country and sex
    others = tr(" and ").join(dict.fromkeys(rows.loc[rows["role"] != "country", C.country].dropna()))
    who = {"total": country, "female": tr("{country} (women)", country=country), "male": tr("{country} (men)", country=country)}[sex]
    return ChartText(
        title=tr("{country} beside {others}: share covered by each risk", country=who, others=others),
        subtitle=tr(
            "SDG 1.3.1 effective coverage, % of each group; latest year in {edition} (year in brackets); "
            "maternity counts women giving birth",
            edition=edition_label(store, edition),
        ),
        source=source_line(store, rows),
    )


def edition_history_text(store: Store, rows: pd.DataFrame, *, country: str) -> ChartText:
    return ChartText(
        title=tr("{country}: the same risks in each edition", country=country),
        subtitle=tr("Latest value of every release that has one; releases revise earlier figures and are never joined into one series"),
        source=source_line(store, rows),
    )


def sex_split_text(store: Store, rows: pd.DataFrame, *, country: str, edition: str) -> ChartText:
    return ChartText(
        title=tr(
            "{country}: women and men covered, where {edition} publishes both", country=country, edition=edition_label(store, edition)
        ),
        subtitle=tr("SDG 1.3.1 effective coverage, % of women and of men in each group"),
        source=source_line(store, rows),
    )


def with_flag_key(text: ChartText, rows: pd.DataFrame) -> ChartText:
    """The caption with the key to the flag mark in its footnote, when a row drawn carries a flag.

    The footnote travels with the figure into every image and slide, where there is no hover.
    """
    key = flag_key(rows)
    return replace(text, source=f"{text.source} {key}".strip()) if key else text
