"""Cite this view: plain text, BibTeX and RIS that name the data release and a pinned link, on every chart card."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from essa_dash.app import create_app
from essa_dash.captions import SourceNote
from essa_dash.export.cite import cite_view
from essa_dash.serving import router_payload
from essa_dash.store import Store

ON = dt.date(2026, 12, 2)


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\.", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_a_citation_names_the_release_the_pinned_link_and_the_day(store: Store) -> None:
    release = store.release
    link = f"http://127.0.0.1:8050/country/VNM?release={release.id}"
    source = SourceNote("S1", "A report", "ILO (2024). A report. Geneva.", "https://ilo.org", "CC-BY-4.0", "WSPR")
    cited = cite_view("Who is covered: 50% & more_{x}", release=release, permalink=link, accessed=ON, sources=[source, source])
    assert release.id in cited.text and release.version in cited.text and link in cited.text and "December 2, 2026" in cited.text
    assert cited.bibtex.startswith("@misc{essadash-") and _balanced(cited.bibtex)
    assert r"50\% \& more\_\{x\}" in cited.bibtex and f"url = {{{link}}}" in cited.bibtex and "urldate = {2026-12-02}" in cited.bibtex
    lines = cited.ris.split("\r\n")
    assert lines[0] == "TY  - DATA" and lines[-1] == "ER  - " and f"UR  - {link}" in lines
    assert all(re.match(r"[A-Z][A-Z0-9]  - ", line) for line in lines)
    assert cited.sources == ("ILO (2024). A report. Geneva.",)


def test_every_chart_card_offers_both_links_and_a_citation(built_root: Path, store: Store) -> None:
    client = create_app(built_root).server.test_client()
    response = client.post("/_dash-update-component", json=router_payload("/country/VNM", ""))
    page = json.dumps(response.get_json(), ensure_ascii=False)
    rid = store.release.id
    cards = page.count("source-panel share-panel")
    assert cards >= 2 and page.count("Cite this view") == cards
    assert page.count(f"release={rid}") >= 2 * cards  # the pinned link and the citation of each card
    assert "Link to this view, always the latest data" in page and "@misc{essadash-" in page and "TY  - DATA" in page
