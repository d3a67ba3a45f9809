"""How to cite a view: plain text, BibTeX and RIS, naming the data release and the permalink.

An analyst who quotes a figure in a briefing needs a reference that reproduces it:
the view's title, ESSA Dash as the publisher, the data release (id and version), the
day it was accessed and a pinned link (``release=<id>``) that shows exactly these
figures for as long as the release is kept. The sources the figures come from are
cited beside it, as they cite themselves. The plain-text form is words (translated);
BibTeX and RIS are formats, whose field names never change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from essa_dash.captions import SourceNote
from essa_dash.releases.disk import Release
from essa_dash.text import fmt_date, tr

PUBLISHER = "ESSA Dash"


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str
    ris: str
    sources: tuple[str, ...]


def _bibtex_escape(text: str) -> str:
    """BibTeX's special characters as literals, so that a title never breaks the entry."""
    return re.sub(r"([{}\\%&$#_^~])", r"\\\1", text)


def _key(title: str, release: Release) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)[:3]
    return "essadash-" + "-".join(w.lower() for w in words) + f"-{release.id[:6]}"


def cite_view(title: str, *, release: Release, permalink: str, accessed: dt.date, sources: Sequence[SourceNote] = ()) -> Citation:
    """The citation of a view whose figures ``permalink`` (pinned to ``release``) reproduces."""
    year = release.created[:4]
    text = tr(
        "{title}. {publisher}, data release {version} ({id}). {link} (accessed {date}).",
        title=title,
        publisher=PUBLISHER,
        version=release.version,
        id=release.id,
        link=permalink,
        date=fmt_date(accessed, "long"),
    )
    bibtex = "\n".join(
        [
            f"@misc{{{_key(title, release)},",
            f"  title = {{{_bibtex_escape(title)}}},",
            f"  author = {{{{{PUBLISHER}}}}},",
            f"  publisher = {{{PUBLISHER}}},",
            f"  year = {{{year}}},",
            f"  version = {{{release.version}}},",
            f"  note = {{Data release {release.id}}},",
            f"  url = {{{permalink}}},",
            f"  urldate = {{{accessed.isoformat()}}}",
            "}",
        ]
    )
    ris = "\r\n".join(
        [
            "TY  - DATA",
            f"TI  - {title}",
            f"AU  - {PUBLISHER}",
            f"PB  - {PUBLISHER}",
            f"PY  - {year}",
            f"ET  - {release.version}",
            f"N1  - Data release {release.id}",
            f"UR  - {permalink}",
            f"Y2  - {accessed.isoformat()}",
            "ER  - ",
        ]
    )
    return Citation(text=text, bibtex=bibtex, ris=ris, sources=tuple(dict.fromkeys(s.citation for s in sources if s.citation)))
