"""Headline tiles keep revision apart from progress (issue 11, item 2), on the real data."""

from __future__ import annotations

from dataclasses import replace

from essa_dash.components.tiles import headline_tile, report_sentence, series_sentence
from essa_dash.query import headlines
from essa_dash.store import Store


def _text(component: object) -> str:
    """Every string in a Dash component tree, in order."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    return " ".join(_text(child) for child in (children if isinstance(children, list) else [children]))


def _by_risk(store: Store) -> dict:
    return {h.figure.risk: h for h in headlines(store)}


def test_published_figures_stay_as_published(store: Store) -> None:
    gaps = [round(h.figure.gap_pct) for h in headlines(store)]
    assert gaps == [73, 88, 61, 72, 48]
    assert all(h.figure.edition == "WSPR 2014-15" and h.figure.year is None for h in headlines(store))


def test_old_age_shows_the_current_series_for_the_reports_year(store: Store) -> None:
    old_age = _by_risk(store)["old_age"]
    assert (old_age.latest.edition, old_age.latest.year, round(old_age.latest.coverage_pct, 1)) == ("ILOSTAT 2025", 2023, 79.6)
    assert (old_age.then.edition, old_age.then.year, round(old_age.then.coverage_pct, 1)) == ("ILOSTAT 2025", 2012, 70.8)
    sentence = series_sentence(old_age)
    assert "70.8% covered in 2012 → 79.6% in 2023" in sentence
    assert "52%" in sentence and "revision, not progress" in sentence
    assert "28" not in sentence  # the gap between two editions (52% -> 79.6%) is never written as a gain


def test_unemployment_too(store: Store) -> None:
    unemployment = _by_risk(store)["unemployment"]
    assert round(unemployment.then.coverage_pct, 1) == 14.7 and round(unemployment.latest.coverage_pct, 1) == 16.7


def test_a_report_figure_beside_the_database_says_which_is_shown(store: Store) -> None:
    maternity = _by_risk(store)["maternity_employed_women"]
    assert maternity.latest.edition == "ILOSTAT 2025" and round(maternity.latest.coverage_pct, 1) == 36.4
    assert maternity.report is not None and maternity.report.edition == "WSPR 2024-26" and maternity.report.coverage_pct == 36.9
    sentence = report_sentence(maternity)
    assert "Shown: ILOSTAT 2025's 36.4% for 2023" in sentence and "WSPR 2024-26 publishes 36.9%" in sentence
    tile = _text(headline_tile(maternity))
    assert "Report figure for the same year" in tile and maternity.report.source_title in tile
    # work injury: WSPR 2024-26's 37.4 equals ILOSTAT's 37.359 to one decimal, so no second figure
    assert _by_risk(store)["employment_injury_legal_incl_voluntary"].report is None


def test_a_secondary_source_is_latest_only_when_no_primary_one_exists(store: Store) -> None:
    comprehensive = _by_risk(store)["comprehensive_coverage"]
    assert comprehensive.latest.source_id == "POLITICS_PH_2017" and not comprehensive.latest.primary
    assert "no primary source publishes a later figure" in _text(headline_tile(comprehensive))
    for headline in headlines(store):
        if headline.latest is not None and headline.latest.edition == "ILOSTAT 2025":
            assert headline.latest.primary


def test_no_comparable_series_says_so(store: Store) -> None:
    comprehensive = _by_risk(store)["comprehensive_coverage"]
    assert comprehensive.then is None and series_sentence(comprehensive) is None
    alone = replace(comprehensive, latest=None)
    assert "No later edition publishes a world figure for this risk." in _text(headline_tile(alone))
