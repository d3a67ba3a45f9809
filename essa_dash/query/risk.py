"""The risk page's questions: one risk across the Member States, the region and the world.

Pure functions over the store: which view a URL asks for, the ranking, the map's rows,
the trend across editions and the split by sex, plus the captions and plain-language
readings that go with each chart. The page only wires these to figure builders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from essa_dash.captions import source_line
from essa_dash.figures._theme import ChartText
from essa_dash.query.comparable import sex_pair_flags
from essa_dash.query.core import core_risks, default_edition, default_sex, filter_coverage, member_states
from essa_dash.query.country import BAR_COLUMNS, WORLD, aggregate_note, regional_comparator
from essa_dash.query.state import Problem, State, Vocabulary
from essa_dash.schema import Coverage as C
from essa_dash.store import Store, per_build
from essa_dash.text import fmt_int, fmt_pct, fmt_year, mark, tr, trn

DEFAULT_RISK = "old_age"
#: The query parameters the risk page understands (the risk itself is in the path).
PARAMS = ("country", "sex", "edition")

#: Risks whose denominator is worded differently by different releases. risks.csv has no
#: column for this, so it is named here; the wording itself comes from the risks table.
DENOMINATOR_WORDING_DIFFERS = ("employment_injury",)

SEX_WORDS = {"total": "", "female": mark("women"), "male": mark("men")}
RANKING_COLUMNS = [*BAR_COLUMNS, "highlighted"]
SEX_COLUMNS = [
    "role", C.iso3, C.country, "label", C.risk, C.edition, C.year, C.source_id, "female", "male", "hover",
    "female_flags", "male_flags", C.obs_flags,
]  # fmt: skip
TREND_COLUMNS = [
    "role",
    C.iso3,
    C.country,
    C.risk,
    C.sex,
    C.edition,
    "chosen",
    "published",
    C.year,
    C.coverage_pct,
    C.source_id,
    "source_title",
    C.obs_flags,
]


# -- the view a URL asks for ------------------------------------------------------------------


@dataclass(frozen=True)
class RiskView:
    """What the risk page draws, every default resolved.

    ``sex`` is what the person chose (it stays in the URL, so it survives a change of
    risk); ``shown_sex`` is what is drawn (women-only risks: always ``female``).
    ``countries`` empty means all Member States, none highlighted.
    """

    risk: str
    edition: str
    sex: str
    shown_sex: str
    countries: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def state(self) -> State:
        return State(country=self.countries, sex=self.sex, edition=self.edition)


def risk_ids(store: Store) -> list[str]:
    """The ten core risks, in the order of risks.csv."""
    return core_risks(store.risks)["risk"].tolist()


def edition_options(store: Store, risk: str) -> list[dict[str, str]]:
    """Editions with at least one Member State figure for the risk, newest first.

    An edition with only a world figure (e.g. health in WSPR 2024-26) would rank nobody,
    so it is not offered.
    """
    members = member_states(store.countries)["iso3"]
    present = set(filter_coverage(store.coverage, risks=[risk], countries=members)[C.edition])
    editions = store.editions.sort_values("published", ascending=False)
    return [{"label": label, "value": e} for e, label in zip(editions["edition"], editions["label"], strict=True) if e in present]


def shown_sex(store: Store, risk: str, sex: str) -> str:
    """The sex drawn: the one chosen, except for women-only risks (maternity), always female."""
    return "female" if default_sex(store.risks).get(risk) == "female" else sex


def resolve_view(store: Store, risk: str, url: Mapping[str, str | Sequence[str] | None]) -> RiskView:
    """The view for ``/risk/<risk>?<url>``: bad values become problems and fall back to defaults.

    Never raises for anything a URL can hold, so a mistyped link shows the default page
    with a notice instead of an error. An edition that exists but has no figure for this
    risk is not a mistake in the link (switching risk keeps the edition), so it falls
    back quietly with an informational note.
    """
    vocabulary = Vocabulary.from_store(store)
    state, problems = vocabulary.parse(url, accept=PARAMS)
    risks = risk_ids(store)
    key = risk.strip().lower()
    if key not in risks:
        problems.insert(0, Problem("risk", risk, f"unknown risk '{risk}'", tuple(risks)))
        key = DEFAULT_RISK
    members = member_states(store.countries)["iso3"].tolist()
    aggregates = [c for c in state.country if c not in members]
    for iso3 in aggregates:
        problems.append(Problem("country", iso3, f"'{iso3}' is not an ASEAN Member State", tuple(members)))
    countries = tuple(c for c in state.country if c in members)

    notes: list[str] = []
    available = [o["value"] for o in edition_options(store, key)]
    label = short_label(store, key)
    # a risk no edition has figures for (none today) still gets a page: the default edition, all "no data"
    default = default_edition(store)
    fallback = default if default in available or not available else available[0]
    edition = state.edition or fallback
    if available and edition not in available:
        notes.append(
            tr(
                "{edition} has no figures for this risk ({risk}) in the Member States, so the page shows {fallback}. "
                "Editions with figures for this risk: {editions}.",
                edition=edition,
                risk=label.lower(),
                fallback=fallback,
                editions=", ".join(available),
            )
        )
        edition = fallback
    sex = state.sex or "total"
    drawn = shown_sex(store, key, sex)
    if drawn != sex:
        notes.append(
            tr("{risk} is measured among women only (women giving birth): the charts show women whatever sex is chosen.", risk=label)
        )
    return RiskView(key, edition, sex, drawn, countries, problems, notes)


def canonical_url(store: Store, view: RiskView) -> str:
    """The URL the page is drawn for, every default spelled out except 'all countries' (empty)."""
    return f"/risk/{view.risk}{Vocabulary.from_store(store).encode(view.state)}"


# -- the definition -----------------------------------------------------------------------------


def risk_label(store: Store, risk: str) -> str:
    return str(store.risks.set_index("risk").loc[risk, "label"])


def short_label(store: Store, risk: str) -> str:
    return str(store.risks.set_index("risk").loc[risk, "short_label"])


def wording_note(store: Store, risk: str) -> str | None:
    """A note when releases word the denominator differently (it changes what 'out of' means)."""
    if risk not in DENOMINATOR_WORDING_DIFFERS:
        return None
    return (
        "Careful when comparing editions: the releases word the denominator differently (see 'Out of'), "
        "so figures from different releases may count workers against different groups."
    )


# -- the ranking ----------------------------------------------------------------------------------


def _latest_by_area(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per area: its most recent dated figure, or an undated one where the edition dates none.

    Publications (e.g. the WSPR 2014/15 annex) often give a 'latest available year' without
    stating it; such a figure is still the edition's figure for that country.
    """
    order = rows.assign(_dated=rows[C.year].notna(), _year=rows[C.year].fillna(0)).sort_values(["_dated", "_year"], kind="stable")
    return order.drop_duplicates(C.iso3, keep="last").drop(columns=["_dated", "_year"])


@per_build()
def ranking(store: Store, view: RiskView) -> pd.DataFrame:
    """Member States, the region and the world ranked by their latest figure in the edition.

    One row per area: the 11 Member States, the edition's regional comparator (if it has
    one) and the world. Rows with a figure come first, highest first; areas without a
    figure follow with NaN coverage (alphabetical, aggregates last) so the chart can say
    "no data" rather than draw a zero. ``highlighted`` marks the chosen countries (all,
    when none are chosen).
    """
    members = member_states(store.countries)
    region = regional_comparator(store, view.edition)
    areas = pd.DataFrame(
        [(iso3, "country") for iso3 in members["iso3"]] + ([(region, "region")] if region else []) + [(WORLD, "world")],
        columns=[C.iso3, "role"],
    )
    rows = filter_coverage(store.coverage, editions=[view.edition], risks=[view.risk], sexes=[view.shown_sex], countries=areas[C.iso3])
    latest = _latest_by_area(rows).drop(columns=[C.country])
    table = areas.merge(latest, on=C.iso3, how="left")
    names = store.countries.set_index("iso3")["short_name"]
    titles = store.sources.set_index("source_id")["title"]
    chosen = set(view.countries) or set(members["iso3"])
    table = table.assign(
        **{
            C.country: table[C.iso3].map(names),
            C.risk: view.risk,
            "risk_label": risk_label(store, view.risk),
            C.sex: view.shown_sex,
            C.edition: view.edition,
            "source_title": table[C.source_id].map(titles),
            "highlighted": table[C.iso3].isin(chosen) & table["role"].eq("country"),
            "_known": table[C.coverage_pct].notna(),
            "_aggregate": table["role"].ne("country"),
        }
    )
    known = table[table["_known"]].sort_values([C.coverage_pct, C.country], ascending=[False, True], kind="stable")
    unknown = table[~table["_known"]].sort_values(["_aggregate", C.country], kind="stable")
    return pd.concat([known, unknown], ignore_index=True)[RANKING_COLUMNS]


def map_rows(ranking_rows: pd.DataFrame) -> pd.DataFrame:
    """The map's input: the ranking's Member States, one row each (NaN coverage: no data)."""
    states = ranking_rows[ranking_rows["role"] == "country"]
    columns = [C.iso3, C.country, C.risk, C.coverage_pct, C.year, C.edition, C.source_id, "source_title", C.obs_flags]
    return states[columns].reset_index(drop=True)


def missing_states(ranking_rows: pd.DataFrame) -> list[str]:
    """Names of the Member States with no figure in the ranking, in the ranking's order."""
    states = ranking_rows[(ranking_rows["role"] == "country") & ranking_rows[C.coverage_pct].isna()]
    return states[C.country].tolist()


def ranking_note(store: Store, view: RiskView, ranking_rows: pd.DataFrame) -> str:
    """How the regional and world figures were obtained, and which Member States have none for this risk.

    :func:`essa_dash.query.country.aggregate_note` explains the region for a set of
    risks and lists states with no figure for any of them; here the statement is about
    one risk and one sex, so the missing states are the ranking's own "no data" rows.
    """
    region = regional_comparator(store, view.edition)
    if region is None:
        parts = [aggregate_note(store, None, view.edition, [view.risk])]
    else:
        covers = store.countries.set_index("iso3").loc[region, "covers"]
        name = store.countries.set_index("iso3").loc[region, "short_name"]
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


def ranking_reading(ranking_rows: pd.DataFrame) -> list[str]:
    """Plain-language summary of the ranking: extremes, the comparators, the gaps."""
    states = ranking_rows[ranking_rows["role"] == "country"]
    known = states.dropna(subset=[C.coverage_pct])
    edition = ranking_rows[C.edition].iloc[0]
    who = _among(ranking_rows[C.sex].iloc[0])
    if known.empty:
        return [tr("{edition} has no figure for any Member State{among}.", edition=edition, among=who)]
    high, low = known.iloc[0], known.iloc[-1]
    sentences = [
        tr(
            "Highest: {high_country} {high} ({high_year}), lowest: {low_country} {low} ({low_year}){among}.",
            high_country=high[C.country],
            high=_pct(high[C.coverage_pct]),
            high_year=_when(high[C.year]),
            low_country=low[C.country],
            low=_pct(low[C.coverage_pct]),
            low_year=_when(low[C.year]),
            among=who,
        )
    ]
    chosen = known[known["highlighted"]]
    if 0 < len(chosen) < len(states):
        places = ", ".join(
            tr("{country} {rank}", country=row[C.country], rank=fmt_int(rank))
            for rank, (_, row) in enumerate(known.iterrows(), start=1)
            if row["highlighted"]
        )
        sentences.append(tr("Chosen countries' places among the {n} with data: {places}.", n=fmt_int(len(known)), places=places))
    years = known[C.year].dropna()
    if years.nunique() > 1:
        sentences.append(
            tr(
                "Each country's latest year differs, from {start} to {end}: the ranking compares different years.",
                start=fmt_year(years.min()),
                end=fmt_year(years.max()),
            )
        )
    for role in ("region", "world"):
        ref = ranking_rows[(ranking_rows["role"] == role) & ranking_rows[C.coverage_pct].notna()]
        if ref.empty:
            continue
        row = ref.iloc[0]
        above = known[known[C.coverage_pct] > row[C.coverage_pct]]
        sentences.append(
            tr(
                "{area}: {value} ({year}); {n} of {total} Member States with data are above it.",
                area=row[C.country],
                value=_pct(row[C.coverage_pct]),
                year=_when(row[C.year]),
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
            high_country=high[C.country],
            high=_pct(high[C.coverage_pct]),
            high_year=_when(high[C.year]),
            low_country=low[C.country],
            low=_pct(low[C.coverage_pct]),
            low_year=_when(low[C.year]),
        )
    ]
    missing = rows.loc[rows[C.coverage_pct].isna(), C.country].tolist()
    if missing:
        sentences.append(tr("Grey, no data: {names}.", names=", ".join(missing)))
    return sentences


# -- the trend across editions ---------------------------------------------------------------------


@per_build()
def trend(store: Store, view: RiskView) -> pd.DataFrame:
    """Every dated figure of the chosen countries in every edition, plus the region and world of the chosen edition.

    One row per (area, edition, year); ``chosen`` marks the chosen edition, the only one
    whose points may be joined into a line. Countries come in the order chosen (or
    alphabetical for all); a country with no dated figure in any edition keeps one row
    with NaN year and coverage, so the chart can still give it a panel saying "no data".
    Undated figures cannot be placed on a time axis and are left out.
    """
    members = member_states(store.countries)
    countries = list(view.countries) or members["iso3"].tolist()
    region = regional_comparator(store, view.edition)
    own = filter_coverage(store.coverage, countries=countries, risks=[view.risk], sexes=[view.shown_sex])
    aggregates = filter_coverage(
        store.coverage, countries=[a for a in (region, WORLD) if a], risks=[view.risk], sexes=[view.shown_sex], editions=[view.edition]
    )
    rows = pd.concat([own, aggregates])
    rows = rows[rows[C.year].notna()]
    role = {iso3: "country" for iso3 in countries} | {region: "region", WORLD: "world"}
    drawn = set(rows[C.iso3])  # once: built inside the comprehension it cost countries x rows
    empty = [c for c in countries if c not in drawn]
    placeholders = pd.DataFrame({C.iso3: empty, C.edition: view.edition, C.coverage_pct: float("nan")})
    rows = pd.concat([rows, placeholders], ignore_index=True)
    order = {iso3: i for i, iso3 in enumerate([*countries, region, WORLD])}
    published = store.editions.set_index("edition")["published"]
    rows = rows.assign(
        role=rows[C.iso3].map(role),
        **{
            C.country: rows[C.iso3].map(store.countries.set_index("iso3")["short_name"]),
            C.risk: view.risk,
            C.sex: view.shown_sex,
            "source_title": rows[C.source_id].map(store.sources.set_index("source_id")["title"]),
        },
        chosen=rows[C.edition].eq(view.edition),
        published=rows[C.edition].map(published),
        _order=rows[C.iso3].map(order),
    )
    rows = rows.sort_values(["_order", "published", C.year], kind="stable")
    return rows.reset_index(drop=True)[TREND_COLUMNS].astype({C.year: "Int16"})


def trend_reading(rows: pd.DataFrame, edition: str) -> list[str]:
    """The change within the chosen edition, the comparators, and what the other editions add."""
    states = rows[(rows["role"] == "country") & rows[C.coverage_pct].notna()]
    own = states[states["chosen"]]
    sentences = []
    if own.empty:
        sentences.append(tr("{edition} has no dated figure for the chosen Member States.", edition=edition))
    else:
        ends = own.groupby(C.country, sort=False).agg(
            first=(C.coverage_pct, "first"), last=(C.coverage_pct, "last"), y0=(C.year, "first"), y1=(C.year, "last")
        )
        series = ends[ends["y0"] != ends["y1"]]
        if series.empty:
            sentences.append(tr("{edition} has one year per country here, so it shows no change over time.", edition=edition))
        else:
            top = (series["last"] - series["first"]).abs().idxmax()
            row = series.loc[top]
            sentences.append(
                tr(
                    "{n} of {total} countries have more than one year in {edition}; "
                    "largest change: {country}, {first} in {first_year} to {last} in {last_year}.",
                    n=fmt_int(len(series)),
                    total=fmt_int(states[C.country].nunique()),
                    edition=edition,
                    country=top,
                    first=_pct(row["first"]),
                    first_year=fmt_year(row["y0"]),
                    last=_pct(row["last"]),
                    last_year=fmt_year(row["y1"]),
                )
            )
    for role in ("region", "world"):
        ref = rows[(rows["role"] == role) & rows[C.coverage_pct].notna()]
        if len(ref) >= 2:
            first, last = ref.iloc[0], ref.iloc[-1]
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
    others = states[~states["chosen"]].groupby(C.edition, sort=False).size()
    if len(others):
        listed = ", ".join(trn("{edition} ({n} figure)", "{edition} ({n} figures)", n, edition=e) for e, n in others.items())
        sentences.append(
            tr("Other editions, drawn as unconnected hollow markers because releases revise earlier figures: {listed}.", listed=listed)
        )
    empty = rows.loc[(rows["role"] == "country") & rows[C.year].isna(), C.country].tolist()
    if empty:
        sentences.append(tr("No dated figure in any edition: {names}.", names=", ".join(empty)))
    return sentences


# -- women and men ---------------------------------------------------------------------------------


@per_build()
def sex_split(store: Store, view: RiskView) -> pd.DataFrame | None:
    """Women beside men: each area's latest year in the edition with both figures, countries then comparators.

    None for women-only risks and where the edition publishes no such pair. Hover texts
    carry the year and edition of each value, so a reader never has to guess them.
    """
    if shown_sex(store, view.risk, "male") != "male":
        return None
    members = member_states(store.countries)
    countries = list(view.countries) or members["iso3"].tolist()
    region = regional_comparator(store, view.edition)
    areas = [*countries, *(a for a in (region, WORLD) if a)]
    rows = filter_coverage(store.coverage, editions=[view.edition], risks=[view.risk], sexes=["female", "male"], countries=areas)
    rows = rows[rows[C.year].notna()]
    wide = rows.pivot_table(index=[C.iso3, C.year, C.source_id], columns=C.sex, values=C.coverage_pct).reset_index()
    if not {"female", "male"} <= set(wide.columns):
        return None
    wide = wide.dropna(subset=["female", "male"]).sort_values(C.year).drop_duplicates(C.iso3, keep="last")
    if not wide[C.iso3].isin(countries).any():
        return None
    order = {iso3: i for i, iso3 in enumerate(areas)}
    wide = wide.merge(sex_pair_flags(rows, [C.iso3, C.year, C.source_id]), on=[C.iso3, C.year, C.source_id], how="left")
    wide = wide.assign(_order=wide[C.iso3].map(order)).sort_values("_order")
    names = wide[C.iso3].map(store.countries.set_index("iso3")["short_name"])
    # equal values draw one marker over the other: the label says so
    equal = pd.Series(", equal", index=wide.index).where(wide["female"] == wide["male"], "")
    return wide.assign(
        **{
            C.country: names,
            "label": names + " (" + wide[C.year].astype("str") + equal + ")",
            C.risk: view.risk,
            C.edition: view.edition,
            "role": wide[C.iso3].map(lambda a: "country" if a in countries else ("world" if a == WORLD else "region")),
            "hover": wide[C.year].astype("str") + " · " + view.edition,
        }
    ).reset_index(drop=True)[SEX_COLUMNS]


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


# -- captions -----------------------------------------------------------------------------------------


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
    return str(store.risks.set_index("risk").loc[risk, "definition"]).split(". ")[0].rstrip(".")


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
    basis = store.editions.set_index("edition").loc[edition, "year_basis"]
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
