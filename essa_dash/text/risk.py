"""The risk page's words: the captions, notes and plain-language readings of the frames ``query.risk`` returns.

The queries answer with frames (the ranking, the map's rows, the trend, women and men)
and with facts about the view (which edition was asked for and which is drawn); every
sentence a reader sees about them is written here, through the catalog, so that a
change of wording or a new language touches this module and the ``.po`` files only.
"""

from __future__ import annotations

import pandas as pd

from essa_dash.captions import source_line
from essa_dash.figures._theme import ChartText
from essa_dash.query.country import regional_comparator
from essa_dash.query.risk import RiskView, missing_states, risk_label, short_label, shown_sex
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, lookup
from essa_dash.text import fmt_int, fmt_pct, fmt_year, mark, tr, trn
from essa_dash.text.country import aggregate_note

#: Risks whose denominator is worded differently by different releases. risks.csv has no
#: column for this, so it is named here; the wording itself comes from the risks table.
DENOMINATOR_WORDING_DIFFERS = ("employment_injury",)

SEX_WORDS = {"total": "", "female": mark("women"), "male": mark("men")}


def view_notes(store: Store, view: RiskView) -> list[str]:
    """What the page tells about the view it drew instead of the one asked for (another edition, women only)."""
    label = short_label(store, view.risk)
    notes = []
    if view.asked_edition is not None:
        notes.append(
            tr(
                "{edition} has no figures for this risk ({risk}) in the Member States, so the page shows {fallback}. "
                "Editions with figures for this risk: {editions}.",
                edition=view.asked_edition,
                risk=label.lower(),
                fallback=view.edition,
                editions=", ".join(view.editions),
            )
        )
    if view.shown_sex != view.sex:
        notes.append(
            tr("{risk} is measured among women only (women giving birth): the charts show women whatever sex is chosen.", risk=label)
        )
    return notes


def wording_note(store: Store, risk: str) -> str | None:
    """A note when releases word the denominator differently (it changes what 'out of' means)."""
    if risk not in DENOMINATOR_WORDING_DIFFERS:
        return None
    return tr(
        "Careful when comparing editions: the releases word the denominator differently (see 'Out of'), "
        "so figures from different releases may count workers against different groups."
    )


def ranking_note(store: Store, view: RiskView, ranking_rows: pd.DataFrame) -> str:
    """How the regional and world figures were obtained, and which Member States have none for this risk.

    :func:`essa_dash.text.country.aggregate_note` explains the region for a set of
    risks and lists states with no figure for any of them; here the statement is about
    one risk and one sex, so the missing states are the ranking's own "no data" rows.
    """
    region = regional_comparator(store, view.edition)
    if region is None:
        parts = [aggregate_note(store, None, view.edition, [view.risk])]
    else:
        covers = lookup(store, "countries", "iso3", "covers")[region]
        name = lookup(store, "countries", "iso3", "short_name")[region]
        parts = [
            tr(
                "The {region} figure is an estimate published in {edition}, not computed here: {covers}",
                region=name,
                edition=view.edition,
                covers=covers,
            )
        ]
        has_region = ranking_rows.loc[ranking_rows["role"] == "region", C.coverage_pct].notna().any()
        if not has_region:
            parts.append(
                tr(
                    "{edition} publishes no {region} figure for this risk{among}.",
                    edition=view.edition,
                    region=name,
                    among=_among(view.shown_sex),
                )
            )
    missing = missing_states(ranking_rows)
    among = _among(view.shown_sex)
    parts.append(
        tr(
            "Member States with no figure for this risk{among} in {edition}: {names}.",
            among=among,
            edition=view.edition,
            names=", ".join(missing),
        )
        if missing
        else tr("Every Member State has a figure for this risk{among} in {edition}.", among=among, edition=view.edition)
    )
    return " ".join(parts)


_pct = fmt_pct  # one percent formatter: a sentence writes a figure as its chart label does


_when = fmt_year


def _among(sex: str) -> str:
    return tr(" among {who}", who=tr(SEX_WORDS[sex])) if SEX_WORDS.get(sex) else ""


def _extremes(high: pd.Series | dict, low: pd.Series | dict) -> dict[str, str]:
    """The highest and the lowest figure as a sentence's fields: the country, value and year of each (a row or a record)."""
    return {
        "high_country": high[C.country],
        "high": _pct(high[C.coverage_pct]),
        "high_year": _when(high[C.year]),
        "low_country": low[C.country],
        "low": _pct(low[C.coverage_pct]),
        "low_year": _when(low[C.year]),
    }


def ranking_reading(ranking_rows: pd.DataFrame) -> list[str]:
    """Plain-language summary of the ranking: extremes, the comparators, the gaps.

    A selection nobody drew before reads its ranking afresh (the chosen countries' places), so the rows
    are read once as records: pandas filters of a dozen rows cost 9 ms a reading, this about 2.
    """
    records = ranking_rows[["role", C.country, C.coverage_pct, C.year, "highlighted"]].to_dict("records")
    states = [row for row in records if row["role"] == "country"]
    known = [row for row in states if not pd.isna(row[C.coverage_pct])]
    edition = ranking_rows[C.edition].iloc[0]
    who = _among(ranking_rows[C.sex].iloc[0])
    if not known:
        return [tr("{edition} has no figure for any Member State{among}.", edition=edition, among=who)]
    sentences = [
        tr(
            "Highest: {high_country} {high} ({high_year}), lowest: {low_country} {low} ({low_year}){among}.",
            **_extremes(known[0], known[-1]),
            among=who,
        )
    ]
    if 0 < sum(bool(row["highlighted"]) for row in known) < len(states):
        ranked = enumerate(known, start=1)
        places = ", ".join(tr("{country} {rank}", country=row[C.country], rank=fmt_int(rank)) for rank, row in ranked if row["highlighted"])
        sentences.append(tr("Chosen countries' places among the {n} with data: {places}.", n=fmt_int(len(known)), places=places))
    years = [row[C.year] for row in known if not pd.isna(row[C.year])]
    if len(set(years)) > 1:
        sentences.append(
            tr(
                "Each country's latest year differs, from {start} to {end}: the ranking compares different years.",
                start=fmt_year(min(years)),
                end=fmt_year(max(years)),
            )
        )
    for role in ("region", "world"):
        ref = next((row for row in records if row["role"] == role and not pd.isna(row[C.coverage_pct])), None)
        if ref is None:
            continue
        above = [row for row in known if row[C.coverage_pct] > ref[C.coverage_pct]]
        sentences.append(
            tr(
                "{area}: {value} ({year}); {n} of {total} Member States with data are above it.",
                area=ref[C.country],
                value=_pct(ref[C.coverage_pct]),
                year=_when(ref[C.year]),
                n=fmt_int(len(above)),
                total=fmt_int(len(known)),
            )
        )
    missing = missing_states(ranking_rows)
    if missing:
        sentences.append(tr("No data{among} in {edition}: {names}.", among=who, edition=edition, names=", ".join(missing)))
    return sentences


def map_reading(rows: pd.DataFrame) -> list[str]:
    """What the map shows, for those who cannot see colours: darkest and lightest, and the grey."""
    known = rows.dropna(subset=[C.coverage_pct]).sort_values(C.coverage_pct, ascending=False, kind="stable")
    if known.empty:
        return [tr("Every Member State is grey: no data in this edition.")]
    high, low = known.iloc[0], known.iloc[-1]
    sentences = [
        tr(
            "Darkest (most covered): {high_country} {high} ({high_year}); lightest (least covered): {low_country} {low} ({low_year}).",
            **_extremes(high, low),
        )
    ]
    missing = rows.loc[rows[C.coverage_pct].isna(), C.country].tolist()
    if missing:
        sentences.append(tr("Grey, no data: {names}.", names=", ".join(missing)))
    return sentences


def trend_reading(rows: pd.DataFrame, edition: str) -> list[str]:
    """The change within the chosen edition, the comparators, and what the other editions add.

    Read once as records, as the ranking's reading is: a selection nobody drew before reads its trend afresh.
    """
    records = rows[["role", C.country, C.edition, "chosen", C.year, C.coverage_pct]].to_dict("records")
    states = [row for row in records if row["role"] == "country" and not pd.isna(row[C.coverage_pct])]
    own = [row for row in states if row["chosen"]]
    sentences = []
    if not own:
        sentences.append(tr("{edition} has no dated figure for the chosen Member States.", edition=edition))
    else:
        # each country's first and last dated figure in the edition (the rows come year by year)
        ends: dict[str, tuple[float, object, float, object]] = {}
        for row in own:
            country, pct, year = row[C.country], row[C.coverage_pct], row[C.year]
            first, first_year = ends[country][:2] if country in ends else (pct, year)
            ends[country] = (first, first_year, pct, year)
        series = {country: end for country, end in ends.items() if end[1] != end[3]}
        if not series:
            sentences.append(tr("{edition} has one year per country here, so it shows no change over time.", edition=edition))
        else:
            top = max(series, key=lambda country: abs(series[country][2] - series[country][0]))  # the first of equals
            first, first_year, last, last_year = series[top]
            sentences.append(
                tr(
                    "{n} of {total} countries have more than one year in {edition}; "
                    "largest change: {country}, {first} in {first_year} to {last} in {last_year}.",
                    n=fmt_int(len(series)),
                    total=fmt_int(len({row[C.country] for row in states})),
                    edition=edition,
                    country=top,
                    first=_pct(first),
                    first_year=fmt_year(first_year),
                    last=_pct(last),
                    last_year=fmt_year(last_year),
                )
            )
    for role in ("region", "world"):
        ref = [row for row in records if row["role"] == role and not pd.isna(row[C.coverage_pct])]
        if len(ref) >= 2:
            first, last = ref[0], ref[-1]
            sentences.append(
                tr(
                    "{area}: {first} in {first_year}, {last} in {last_year}.",
                    area=first[C.country],
                    first=_pct(first[C.coverage_pct]),
                    first_year=fmt_year(first[C.year]),
                    last=_pct(last[C.coverage_pct]),
                    last_year=fmt_year(last[C.year]),
                )
            )
    others: dict[str, int] = {}  # the other editions' figures, each edition where it first comes
    for row in states:
        if not row["chosen"]:
            others[row[C.edition]] = others.get(row[C.edition], 0) + 1
    if others:
        listed = ", ".join(trn("{edition} ({n} figure)", "{edition} ({n} figures)", n, edition=e) for e, n in others.items())
        sentences.append(
            tr("Other editions, drawn as unconnected hollow markers because releases revise earlier figures: {listed}.", listed=listed)
        )
    empty = [row[C.country] for row in records if row["role"] == "country" and pd.isna(row[C.year])]
    if empty:
        sentences.append(tr("No dated figure in any edition: {names}.", names=", ".join(empty)))
    return sentences


def with_sex_labels(split: pd.DataFrame) -> pd.DataFrame:
    """The women-and-men frame with each row's axis label: the area, the year of its pair, and 'equal' when one marker hides the other."""
    year = split[C.year].astype("str")
    labels = [
        tr("{area} ({year}, equal)", area=area, year=y) if equal else tr("{area} ({year})", area=area, year=y)
        for area, y, equal in zip(split[C.country], year, split["equal"], strict=True)
    ]
    return split.assign(label=labels)


def sex_absence(store: Store, view: RiskView) -> str:
    """The sentence shown instead of the women-and-men chart."""
    if shown_sex(store, view.risk, "male") != "male":
        label = short_label(store, view.risk)
        return tr("{risk} is measured among women only (women giving birth), so there is no comparison of women and men.", risk=label)
    return tr("{edition} publishes no separate figures for women and men for this risk in the chosen Member States.", edition=view.edition)


def sex_reading(split: pd.DataFrame) -> list[str]:
    """How many countries are split by sex, and where the gap between women and men is widest."""
    states = split[split["role"] == "country"]
    gap = states["female"] - states["male"]
    top = states.loc[gap.abs().idxmax()]
    sentences = [
        trn(
            "{n} Member State has figures for women and men in {edition}.",
            "{n} Member States have figures for women and men in {edition}.",
            len(states),
            edition=split[C.edition].iloc[0],
        )
    ]
    if gap.abs().max() == 0:
        sentences.append(tr("Women and men are covered equally in each of them."))
    else:
        sentences.append(
            tr(
                "Widest gap: {country}, women {women} and men {men} ({year}).",
                country=top[C.country],
                women=_pct(top["female"]),
                men=_pct(top["male"]),
                year=fmt_year(top[C.year]),
            )
        )
        sentences.append(
            tr(
                "Men are better covered in {men} of them, women in {women}, both equally in {equal}.",
                men=fmt_int((gap < 0).sum()),
                women=fmt_int((gap > 0).sum()),
                equal=fmt_int((gap == 0).sum()),
            )
        )
    return sentences


def _who(sex: str) -> str:
    return tr(" ({who})", who=tr(SEX_WORDS[sex])) if SEX_WORDS.get(sex) else ""


def _sources(store: Store, rows: pd.DataFrame, edition: str) -> str:
    """The citations of the rows drawn, or of the edition's sources when nothing is drawn (never an empty 'Source:')."""
    cited = source_line(store, rows)
    if cited:
        return cited
    sources = store.sources
    return source_line(store, sources[sources[C.edition] == edition])


def _definition(store: Store, risk: str) -> str:
    """The first sentence of the plain-words definition: what share of whom."""
    return str(lookup(store, "risks", "risk", "definition")[risk]).split(". ")[0].rstrip(".")


def ranking_text(store: Store, rows: pd.DataFrame) -> ChartText:
    edition, risk, sex = rows[C.edition].iloc[0], rows[C.risk].iloc[0], rows[C.sex].iloc[0]
    return ChartText(
        title=tr(
            "{risk}{who}: Member States ranked, latest year in {edition}", risk=risk_label(store, risk), who=_who(sex), edition=edition
        ),
        subtitle=tr(
            "{definition} (%). Year of each figure in brackets; grey bars: regional and world figures.", definition=_definition(store, risk)
        ),
        source=_sources(store, rows, edition),
    )


def map_text(store: Store, rows: pd.DataFrame, *, sex: str) -> ChartText:
    """One title line (the map has room for one) and at most two subtitle lines."""
    edition, risk = rows[C.edition].iloc[0], rows[C.risk].iloc[0]
    return ChartText(
        title=tr("{risk}{who} across the region, latest year in {edition}", risk=short_label(store, risk), who=_who(sex), edition=edition),
        # wrapped for its frame by the figure
        subtitle=tr("{definition} (%). Grey: no data in this edition.", definition=_definition(store, risk)),
        source=_sources(store, rows, edition),
    )


def trend_text(store: Store, rows: pd.DataFrame, *, edition: str) -> ChartText:
    risk, sex = rows[C.risk].iloc[0], rows[C.sex].iloc[0]
    basis = lookup(store, "editions", "edition", "year_basis")[edition]
    return ChartText(
        title=tr(
            "{risk}{who}: year by year, in {edition} and in other editions", risk=risk_label(store, risk), who=_who(sex), edition=edition
        ),
        subtitle=tr(
            "{definition} (%). Lines join the figures of {edition} only (years: {basis}); "
            "hollow markers: other editions, never joined, as each release revises earlier figures.",
            definition=_definition(store, risk),
            edition=edition,
            basis=basis,
        ),
        source=_sources(store, rows, edition),
    )


def sex_text(store: Store, split: pd.DataFrame) -> ChartText:
    """Short, one-line caption: the dumbbell's legend sits right under it."""
    edition, risk = split[C.edition].iloc[0], split[C.risk].iloc[0]
    return ChartText(
        title=tr("{risk}: women and men, latest year with both in {edition}", risk=short_label(store, risk), edition=edition),
        subtitle=tr("% of women and % of men covered in each group; year of each pair in brackets"),
        source=source_line(store, split),
    )
