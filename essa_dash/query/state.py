"""The URL vocabulary: one set of query parameters for every page, the API, embeds and images.

``?country=KHM,TLS&risk=old_age,unemployment&sex=female&edition=ilostat-2025&year=2023``
means the same thing wherever it is pasted. :meth:`Vocabulary.parse` checks every
value against the ids the data knows and returns the problems it found (each
naming the parameter and the allowed values) instead of raising, so a page can
show a friendly message and the API a 400; :meth:`Vocabulary.encode` writes a
state back in a stable order, so equal views have equal URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from essa_dash import settings
from essa_dash.schema import COVERAGE_KINDS
from essa_dash.store import Store, per_build
from essa_dash.text import LANGUAGES

LIST_PARAMS = ("country", "risk", "kind", "source", "indicator")
SINGLE_PARAMS = ("table", "sex", "edition", "year", "year_from", "year_to", "latest", "include_withdrawn", "lang", "release")
#: The tidy tables a view may read: SDG 1.3.1 coverage, or the SDG series read beside it (``indicator`` picks among those).
TABLES = ("coverage", "context")
PARAMS = (*LIST_PARAMS, *SINGLE_PARAMS)
#: How the explorer's table is ordered (the column id and the direction): not what a view selects, so
#: downloads and the API never read them; kept when a control changes the selection (the rows change, the order stays).
ORDER_PARAMS = ("sort", "desc")
#: How the explorer shows its table: the order, and which page of :data:`PAGE_SIZE` rows.
TABLE_VIEW_PARAMS = (*ORDER_PARAMS, "page")
#: Rows on one page of the explorer's table.
PAGE_SIZE = 50
#: The columns of each table that the explorer shows, in the order shown; ``sort=`` names one of them.
SHOWN_COLUMNS = {
    "coverage": (
        "country", "risk_label", "sex", "year", "coverage_pct", "flags", "coverage_kind", "edition",
        "source_id", "source_location", "obs_status", "nature", "note",
    ),
    "context": (
        "country", "indicator_label", "sector", "age", "location", "sex", "migrant_status", "year", "value", "unit",
        "edition", "source_location", "obs_flags",
    ),
}  # fmt: skip
#: Accepted by every page, embed, image and API route, and kept when the selection changes: the
#: language and the pinned data release say how and from which data a view is shown, not what it selects.
GLOBAL_PARAMS = ("lang", "release")
RELEASE_ID = re.compile(r"[0-9a-f]{12}")
SEXES = ("total", "female", "male")
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
#: Enough for any real selection; more is a malformed or hostile URL.
MAX_VALUES = 50
MAX_LENGTH = 2000
#: What :func:`read_query` hands a page for a link of more than ``ESSA_MAX_PARAMS`` parameters, in place of them
#: all: :meth:`Vocabulary.parse` refuses it as a whole. A NUL is in no name a page reads (one typed as ``%00`` asks for that notice).
TOO_MANY = "\x00too-many"


def edition_slug(edition: str) -> str:
    """``"UN SDG DB 2018-10"`` -> ``"un-sdg-db-2018-10"``: readable in a URL without escaping."""
    return re.sub(r"[^a-z0-9]+", "-", edition.lower()).strip("-")


@dataclass(frozen=True)
class State:
    """A view: what is selected. Empty tuples and None mean "the page's default"."""

    country: tuple[str, ...] = ()
    risk: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    indicator: tuple[str, ...] = ()  # ids of the context table's indicators
    table: str | None = None  # one of TABLES; None: coverage
    sex: str | None = None
    edition: str | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    latest: bool | None = None
    #: withdrawn values are out of every view unless asked for on purpose (then shown flagged)
    include_withdrawn: bool | None = None
    lang: str | None = None  # a code of text.LANGUAGES; None: the browser's choice (Accept-Language)
    release: str | None = None  # a data release id: the view shows that release's figures (a pinned link)
    sort: str | None = None  # a column of SHOWN_COLUMNS[table]; None: the order of the query
    desc: bool | None = None  # sorted from the largest (only with ``sort``)
    page: int | None = None  # the explorer table's page, from 1; None: the first

    def update(self, **changes: object) -> State:
        return replace(self, **changes)

    def selection(self) -> State:
        """The rows this view selects, however its table is ordered and paged: what downloads and the API hold."""
        return replace(self, sort=None, desc=None, page=None)


@dataclass(frozen=True)
class Problem:
    """One rejected parameter value: what was asked, why it was refused (a stable code) and what would work.

    The query layer writes no sentence: ``code`` and ``fields`` say what went wrong, and
    :attr:`message` words it in the current language when it is read
    (:mod:`essa_dash.text.problems`); an API client gets the code as well.
    """

    param: str
    value: str
    code: str
    allowed: tuple[str, ...] = field(default=())
    #: what fills the code's sentence, as (name, value) pairs: whole numbers stay numbers until worded
    fields: tuple[tuple[str, object], ...] = field(default=())

    @classmethod
    def of(cls, param: str, value: str, code: str, allowed: Sequence[str] = (), /, **fields: object) -> Problem:
        """A problem with its sentence's fields as keywords (``name=``, ``value=``...: positional-only above, so they may be)."""
        return cls(param, value, code, tuple(allowed), tuple(fields.items()))

    @property
    def message(self) -> str:
        from essa_dash.text.problems import word  # the text layer words it; it imports the query layer's modules

        return word(self.code, dict(self.fields))

    def as_dict(self) -> dict[str, object]:
        return {"parameter": self.param, "value": self.value, "code": self.code, "message": self.message, "allowed": list(self.allowed)}


@dataclass(frozen=True)
class Vocabulary:
    """The ids a URL may use, read from the data so that a new edition is valid at once."""

    countries: tuple[str, ...]
    risks: tuple[str, ...]
    editions: tuple[str, ...]
    years: tuple[int, int]
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()

    @classmethod
    def from_store(cls, store: Store) -> Vocabulary:
        return _vocabulary(store)

    @classmethod
    def read(cls, store: Store) -> Vocabulary:
        """Build from the tables (use :meth:`from_store`, which does this once per data build)."""
        # the years of both tables: the context series reach further back than coverage
        years = pd.concat([store.coverage["year"], store.context["year"]]).dropna()
        return cls(
            countries=tuple(store.countries["iso3"]),
            risks=tuple(store.risks["risk"]),
            editions=tuple(store.editions.sort_values("published")["edition"]),
            years=(int(years.min()), int(years.max())),
            kinds=tuple(COVERAGE_KINDS),
            sources=tuple(store.sources["source_id"]),
            indicators=tuple(store.indicators["indicator"]),
        )

    @property
    def edition_slugs(self) -> dict[str, str]:
        return {edition_slug(e): e for e in self.editions}

    def parse(self, params: Mapping[str, str | Sequence[str] | None], *, accept: Iterable[str] = PARAMS) -> tuple[State, list[Problem]]:
        """A state from query parameters, plus the problems found (at most ``ESSA_MAX_PROBLEMS``); bad values are dropped.

        A link with more than ``ESSA_MAX_PARAMS`` parameters (or :data:`TOO_MANY`, which
        :func:`read_query` gives it) is not read at all: no real view needs that many, and
        checking 200,000 invented ones cost one request 10 CPU-seconds.
        """
        most = settings.MAX_PARAMS.value()
        if len(params) > most or TOO_MANY in params:
            return State(), [Problem.of("", "", "too_many_params", n=most)]
        accept = set(accept) | set(GLOBAL_PARAMS)
        problems: list[Problem] = []
        values: dict[str, object] = {}
        for name, raw in params.items():
            if name not in accept:
                shown = name if len(name) <= 40 else name[:40] + "..."
                problems.append(Problem.of(shown, _text(raw)[:40], "unknown_parameter", sorted(accept), name=shown))
                continue
            text = _text(raw)
            if len(text) > MAX_LENGTH:
                problems.append(Problem.of(name, text[:40] + "...", "too_long", name=name, n=MAX_LENGTH))
                continue
            if name in LIST_PARAMS:
                values[name] = self._parse_list(name, text, problems)
            elif text != "":
                parsed = self._parse_single(name, text, problems)
                if parsed is not None:
                    values[name] = parsed
        state = State(**values)
        if state.year_from is not None and state.year_to is not None and state.year_from > state.year_to:
            problems.append(Problem.of("year_from", str(state.year_from), "year_order", start=state.year_from, end=state.year_to))
            state = state.update(year_from=None, year_to=None)
        state = self._check_order(state, problems)
        shown = settings.MAX_PROBLEMS.value()
        if len(problems) > shown:
            problems = [*problems[:shown], Problem.of("", "", "more_problems", n=len(problems) - shown)]
        return state, problems

    def _check_order(self, state: State, problems: list[Problem]) -> State:
        """``sort`` names a column of the chosen table (known only once ``table`` is read); ``desc`` needs a ``sort``."""
        columns = SHOWN_COLUMNS[state.table or TABLES[0]]
        if state.sort is not None and state.sort not in columns:
            problems.append(Problem.of("sort", state.sort, "unknown_column", columns, value=state.sort))
            state = state.update(sort=None)
        # a view has one URL: the default order and the first page are never spelled out
        return state.update(desc=state.desc or None) if state.sort else state.update(desc=None)

    def _parse_list(self, name: str, text: str, problems: list[Problem]) -> tuple[str, ...]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if len(items) > MAX_VALUES:
            problems.append(Problem.of(name, text[:40], "too_many_values", n=MAX_VALUES, name=name))
            return ()
        known = {"country": self.countries, "risk": self.risks, "kind": self.kinds, "source": self.sources, "indicator": self.indicators}[
            name
        ]
        # country and source ids are upper case, risk and kind ids lower case: accept either spelling
        upper = name in ("country", "source")
        lookup = {(k.upper() if upper else k.lower()): k for k in known}
        kept = []
        for item in items:
            key = item.upper() if upper else item.lower()
            if key in lookup:
                kept.append(lookup[key])
            else:
                problems.append(Problem.of(name, item, "unknown_value", known, name=name, value=item))
        return tuple(dict.fromkeys(kept))

    def _parse_single(self, name: str, text: str, problems: list[Problem]) -> object | None:
        if name == "sex":
            if text.lower() in SEXES:
                return text.lower()
            problems.append(Problem.of(name, text, "unknown_sex", SEXES, value=text))
            return None
        if name == "table":
            if text.lower() in TABLES:
                # coverage is the default table: never spelled out, so a view has one URL
                return None if text.lower() == TABLES[0] else text.lower()
            problems.append(Problem.of(name, text, "unknown_table", TABLES, value=text))
            return None
        if name == "lang":
            if text.lower() in LANGUAGES:
                return text.lower()
            problems.append(Problem.of(name, text, "unknown_language", tuple(LANGUAGES), value=text))
            return None
        if name == "sort":
            return text.strip().lower()[:40]  # checked against the table's columns once the table is known
        if name == "page":
            if re.fullmatch(r"[0-9]{1,6}", text) and int(text) >= 1:
                return int(text) if int(text) > 1 else None
            problems.append(Problem.of(name, text, "bad_page"))
            return None
        if name in ("latest", "include_withdrawn", "desc"):
            if text.lower() in BOOLEANS:
                return BOOLEANS[text.lower()]
            problems.append(Problem.of(name, text, "not_boolean", ("true", "false"), name=name))
            return None
        if name == "release":
            if RELEASE_ID.fullmatch(text):
                return text
            problems.append(Problem.of(name, text, "bad_release"))
            return None
        if name == "edition":
            edition = self.edition_slugs.get(edition_slug(text))
            if edition is None:
                problems.append(Problem.of(name, text, "unknown_edition", tuple(self.edition_slugs), value=text))
            return edition
        low, high = self.years
        if not re.fullmatch(r"[0-9]{4}", text) or not low <= int(text) <= high:
            problems.append(Problem.of(name, text, "bad_year", (str(low), str(high)), name=name, start=low, end=high))
            return None
        return int(text)

    def encode(self, state: State) -> str:
        """The query string of a state (leading '?', or '' for the default view)."""
        pairs: list[tuple[str, str]] = []
        for name in (*PARAMS, *TABLE_VIEW_PARAMS):
            value = getattr(state, name)
            if value in (None, ()):
                continue
            if name in LIST_PARAMS:
                pairs.append((name, ",".join(value)))
            elif name == "edition":
                pairs.append((name, edition_slug(value)))
            elif name in ("latest", "include_withdrawn", "desc"):
                pairs.append((name, "true" if value else "false"))
            else:
                pairs.append((name, str(value)))
        return "?" + urlencode(pairs, safe=",") if pairs else ""


def query_pairs(search: str | None) -> list[tuple[str, str]] | None:
    """The (name, value) pairs of a query string (``?`` or not, blanks kept), or None past ``ESSA_MAX_PARAMS`` of them.

    Every reader of a page's query string goes through here, so that a link padded to the
    body limit (4,500 invented pairs in 63 kB) is counted, never split: ``parse_qsl``
    counts the ``&`` before it builds a pair and stops at the cap (a stray ``&&`` counts as one).
    """
    try:
        return parse_qsl((search or "").removeprefix("?"), keep_blank_values=True, max_num_fields=settings.MAX_PARAMS.value())
    except ValueError:  # more fields than the cap: nothing was split
        return None


def read_query(search: str | None) -> dict[str, str | list[str]]:
    """A page's query string as Dash's router hands it to the layout: one text per name, a list for a repeated one.

    Dash's own reader (``parse_qs``) splits every pair however many there are; this one is
    bounded (:func:`query_pairs`), and a link past the cap is ``{TOO_MANY: ...}``: its
    language and release are not read either ("none was read", as the notice says).
    """
    if not search or not search.startswith("?"):
        return {}
    pairs = query_pairs(search)
    if pairs is None:
        return {TOO_MANY: "1"}
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


@per_build(maxsize=4)
def _vocabulary(store: Store) -> Vocabulary:
    return Vocabulary.read(store)


def _text(raw: str | Sequence[str] | None) -> str:
    """Flask and Dash hand over a string or, for repeated parameters, a list: join lists with commas."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    return ",".join(str(r) for r in raw)
