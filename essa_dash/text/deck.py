"""The words of a PowerPoint deck: its cover, a picture's alt text, the speaker notes and "About the data".

A slide shown for years must say which data it shows: the cover, every slide's notes
and the last slide name the data release (id and version), so a figure can be traced
back to the exact tables it came from (``essa-dash releases``) and reproduced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from essa_dash.releases.disk import Release
from essa_dash.text.formats import fmt_date, fmt_int, fmt_pct
from essa_dash.text.releases import release_line
from essa_dash.text.translate import tr

if TYPE_CHECKING:  # the words do not import the chart registry, they only read what it built
    from essa_dash.captions import DefinitionNote, SourceNote
    from essa_dash.views import Built


def cover_subtitle() -> str:
    return tr("Social protection coverage in ASEAN (SDG 1.3.1)")


def cover_date(on: dt.date) -> str:
    return fmt_date(on, "long")


def cover_note(release: Release) -> str:
    return tr(
        "ESSA Dash, data release {id} (version {version}): every figure as published, with its definition and source in the notes",
        id=release.id,
        version=release.version,
    )


def part_title(title: str, part: int, parts: int) -> str:
    """The title of one of the slides a chart too long for one slide is split over."""
    return tr("{title} ({part} of {parts})", title=title, part=fmt_int(part), parts=fmt_int(parts))


def alt_text(chart: Built) -> str:
    """What a picture of the chart says, for a screen reader: its title, then its reading."""
    return " ".join([tr("{title}.", title=chart.text.title), *chart.reading])


def sources_of(charts: Sequence[Built]) -> list[SourceNote]:
    """Every source behind the charts, once each, in the order first drawn."""
    return list({s.source_id: s for chart in charts for s in chart.sources}.values())


def _definition_line(d: DefinitionNote) -> str:
    """A definition as the notes give it: with what is counted out of what, where the source says (the SDG context series do not)."""
    if d.numerator:
        return tr("{label}: {definition} Counted: {numerator}. Out of: {denominator}.", **vars(d))
    return tr("{label}: {definition}", label=d.label, definition=d.definition)


def notes_text(chart: Built, release: Release) -> str:
    """Speaker notes: what the chart shows, the definitions, the figures, the sources and the data release."""
    lines = [tr("WHAT THE CHART SHOWS"), *[f"- {s}" for s in chart.reading]]
    lines += ["", tr("DEFINITIONS")]
    lines += ["- " + _definition_line(d) for d in chart.definitions]
    if chart.series:
        lines += ["", tr("FIGURES")]
        for name, values in chart.series.items():
            shown = "; ".join(tr("{category} {value}", category=k, value=fmt_pct(v)) for k, v in values.items())  # missing: "no data"
            lines.append(f"- {name}: {shown}")
    lines += ["", tr("SOURCES"), *[f"- {s.citation}" for s in chart.sources]]
    lines += ["", tr("DATA RELEASE"), f"- {release_line(release)}"]
    return "\n".join(lines)


def about_title() -> str:
    return tr("About the data")


def citation(title: str, release: Release, on: dt.date) -> str:
    """How to cite the deck: its title, ESSA Dash, the release and the day it was made."""
    return tr(
        "{title}. ESSA Dash, data release {id} (version {version}), {date}. Figures as published in the sources listed.",
        title=title,
        id=release.id,
        version=release.version,
        date=fmt_date(on, "long"),
    )


def about_headings() -> tuple[str, str, str]:
    return tr("Data release"), tr("Sources"), tr("How to cite")


def more_sources(n: int) -> str:
    return tr("... and {n} more: every source is in this slide's notes", n=n)
