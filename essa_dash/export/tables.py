"""Exports of exactly a filtered view of a tidy table (coverage, or the SDG context series), with provenance on every row.

An analyst who takes the figures elsewhere must be able to cite each one without
the dashboard, and to get the same figures again years later: so every file names the
data release it comes from (:func:`release_stamp`: in the XLSX About sheet, the JSON
and Parquet metadata, and every download's file name, which is how a CSV says it
without a line that would break its readers), and every exported row keeps its source id, the location in the
source, the observation status, the nature and the notes, and gains the readable
names (risk label, definition, source title and url, edition label) joined from the
metadata tables. The rows are the caller's filtered view, unchanged in number and
order: an export never adds, drops, fills or splices figures.

* :func:`export_frame` builds the table every format writes;
* :func:`to_csv`, :func:`to_xlsx`, :func:`to_parquet`, :func:`to_json` turn it into bytes;
* :data:`FORMATS` maps a format name to its media type and a writer of one signature,
  for the web layer; :func:`export_filename` names the download (``essa_dash.files.write_atomic``
  writes a file for the command line).

Pure data code: nothing here imports Dash or Flask.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, NamedTuple, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from essa_dash.schema import CONTEXT_COLUMNS, COVERAGE_COLUMNS, COVERAGE_KINDS, coerce, coerce_context
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C
from essa_dash.store import Store
from essa_dash.text import fmt_int, mark, tr

TITLE: Final = mark("ESSA Dash export")

#: Stated in every file that has room for prose: the dashboard shows gaps, the data never holds them.
GAP_NOTE: Final = mark(
    "coverage_pct is the figure as published (per cent, 0-100). The gap shown on the dashboard "
    "(100 - coverage) is derived when displayed and is not stored in this file."
)

# Columns joined from the metadata tables.
RISK_LABEL: Final = "risk_label"
DEFINITION: Final = "definition"
SOURCE_TITLE: Final = "source_title"
SOURCE_URL: Final = "source_url"
EDITION_LABEL: Final = "edition_label"

#: What the analyst gets, in reading order: where and what (country, risk, sex, year), the
#: figure, then its provenance (edition, source, location in the source, the source's own
#: flags and notes). The definition is long prose, so it comes last where it cannot push the
#: figures off screen in a spreadsheet.
EXPORT_COLUMNS: Final = [
    C.iso3,
    C.country,
    C.is_aggregate,
    C.risk,
    RISK_LABEL,
    C.coverage_kind,
    C.sex,
    C.year,
    C.coverage_pct,
    C.edition,
    EDITION_LABEL,
    C.source_id,
    SOURCE_TITLE,
    SOURCE_URL,
    C.source_location,
    C.obs_status,
    C.nature,
    C.note,
    C.obs_flags,
    C.withdrawn,
    DEFINITION,
]

#: Columns of the Sources sheet and of ``meta.sources`` in JSON (all from ``sources.parquet``).
SOURCE_FIELDS: Final = ["source_id", "title", "publisher", "published", "edition", "url", "licence", "citation"]

#: Columns of the Definitions sheet: ``risks.parquet`` columns, ``definition_source`` (the
#: ILO's own words, quoted with their reference) renamed for a reader who has not seen the
#: data model, plus what the coverage kind means.
DEFINITION_FIELDS: Final = {
    "risk": "risk",
    "label": "label",
    "definition": "definition",
    "numerator": "numerator",
    "denominator": "denominator",
    "definition_source": "ilo_wording",
    "coverage_kind": "coverage_kind",
}
COVERAGE_KIND_MEANING: Final = "coverage_kind_meaning"

#: Stated in every context export: its values are not coverage and never share its column.
CONTEXT_NOTE: Final = (
    "value is the figure as the UN SDG Global Database publishes it, in the row's unit (per cent, an index 0-100, or a rate "
    "per 100,000 employees). These SDG series are read beside coverage; they are not coverage and are never summed or "
    "averaged with it. A breakdown column is empty where the series has no such breakdown."
)
# Columns joined from the indicators table.
INDICATOR_LABEL: Final = "indicator_label"
SDG_INDICATOR: Final = "sdg_indicator"
CUSTODIAN: Final = "custodian"
#: A context export's columns, in the same reading order as coverage's.
CONTEXT_EXPORT_COLUMNS: Final = [
    X.iso3,
    X.country,
    X.is_aggregate,
    X.indicator,
    INDICATOR_LABEL,
    SDG_INDICATOR,
    X.sector,
    X.age,
    X.location,
    X.sex,
    X.migrant_status,
    X.year,
    X.value,
    X.unit,
    X.edition,
    EDITION_LABEL,
    X.source_id,
    SOURCE_TITLE,
    SOURCE_URL,
    X.source_location,
    X.obs_status,
    X.nature,
    X.obs_flags,
    CUSTODIAN,
    DEFINITION,
]
#: Columns of a context export's Definitions sheet (all from ``indicators.parquet``).
CONTEXT_DEFINITION_FIELDS: Final = [
    "indicator",
    "sdg_indicator",
    "sdg_series",
    "label",
    "unit",
    "custodian",
    "definition",
    "definition_source",
]

# --------------------------------------------------------------------------- the frame


def export_frame(rows: pd.DataFrame, store: Store) -> pd.DataFrame:
    """The rows as an analyst receives them: coverage columns plus readable names, in :data:`EXPORT_COLUMNS` order.

    ``rows`` is a view of ``store.coverage`` (usually from ``query.filter_coverage``); its rows
    are kept one for one and in order, with a fresh 0..n-1 index since the store's index means
    nothing outside the app. Dtypes are the contract's (``schema.coerce``): ``year`` stays a
    nullable Int16 and a missing value stays missing, so no writer can turn it into 0.
    """
    missing = [col for col in COVERAGE_COLUMNS if col not in rows.columns]
    if missing:
        raise ValueError(f"not a view of the coverage table: missing columns {missing}")
    out = coerce(rows[COVERAGE_COLUMNS].reset_index(drop=True))
    risks = store.risks.set_index("risk")
    sources = store.sources.set_index("source_id")
    editions = store.editions.set_index("edition")
    joined = {
        RISK_LABEL: out[C.risk].map(risks["label"]),
        DEFINITION: out[C.risk].map(risks["definition"]),
        SOURCE_TITLE: out[C.source_id].map(sources["title"]),
        SOURCE_URL: out[C.source_id].map(sources["url"]),
        EDITION_LABEL: out[C.edition].map(editions["label"]),
    }
    # astype("str") keeps missing as NaN (pandas 3) and fixes the dtype of an empty view
    out = out.assign(**{name: values.astype("str") for name, values in joined.items()})
    return out[EXPORT_COLUMNS]


def context_export_frame(rows: pd.DataFrame, store: Store) -> pd.DataFrame:
    """A view of ``store.context`` as an analyst receives it (:data:`CONTEXT_EXPORT_COLUMNS`), rows kept one for one."""
    missing = [col for col in CONTEXT_COLUMNS if col not in rows.columns]
    if missing:
        raise ValueError(f"not a view of the context table: missing columns {missing}")
    out = coerce_context(rows[CONTEXT_COLUMNS].reset_index(drop=True))
    indicators = store.indicators.set_index("indicator")
    sources = store.sources.set_index("source_id")
    editions = store.editions.set_index("edition")
    joined = {
        INDICATOR_LABEL: out[X.indicator].map(indicators["label"]),
        SDG_INDICATOR: out[X.indicator].map(indicators["sdg_indicator"]),
        CUSTODIAN: out[X.indicator].map(indicators["custodian"]),
        DEFINITION: out[X.indicator].map(indicators["definition"]),
        SOURCE_TITLE: out[X.source_id].map(sources["title"]),
        SOURCE_URL: out[X.source_id].map(sources["url"]),
        EDITION_LABEL: out[X.edition].map(editions["label"]),
    }
    out = out.assign(**{name: values.astype("str") for name, values in joined.items()})
    return out[CONTEXT_EXPORT_COLUMNS]


# --------------------------------------------------------------------------- formula injection

#: First characters that make Excel, LibreOffice or Google Sheets read a cell as a formula
#: (OWASP "CSV Injection"): = + - @, tab and carriage return, plus their full-width forms,
#: which some East Asian locales of Excel convert to the ASCII ones on entry.
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE: Final = "'"


def neutralise(value: Any) -> Any:
    """A text value that could start a formula, prefixed with ``'`` so it stays text; anything else unchanged.

    Numbers are never touched: a typed number cannot carry a formula, and prefixing ``-5``
    would turn a figure into text. Only strings are candidates.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with :func:`neutralise` applied to its text columns only (for CSV and XLSX).

    Text columns only, because the numeric ones (``year``, ``coverage_pct``) and the
    booleans are written as typed values that a spreadsheet never evaluates, and must stay
    numbers for analysis. Parquet and JSON are read by programs, not spreadsheets, so they
    get the values intact.
    """
    changed: dict[str, pd.Series] = {}
    for col in frame.columns:
        values = frame[col]
        if not _is_text(values):
            continue
        if isinstance(values.dtype, pd.StringDtype):
            risky = values.str.startswith(FORMULA_TRIGGERS, na=False).astype(bool)
        else:  # object columns may mix strings with other values
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_TRIGGERS)).astype(bool)
        if risky.any():
            changed[col] = values.where(~risky, QUOTE + values.astype("str"))
    return frame.assign(**changed) if changed else frame


# --------------------------------------------------------------------------- CSV

#: Excel decodes a CSV as the machine's legacy code page unless it starts with a BOM, which
#: garbles accents and Lao, Thai or Khmer text; every CSV reader we know skips it.
BOM: Final = "\ufeff"
#: RFC 4180 line ends. Excel, LibreOffice, R and pandas read CRLF everywhere, and a
#: fixed choice keeps the bytes the same whichever OS the server runs on.
CSV_LINE_END: Final = "\r\n"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, comma-separated, CRLF line ends, a header row.

    Missing values are empty fields (never ``0`` or ``NaN``), floats are written exactly
    (shortest repr, ``.`` as the decimal point), text cells that could start a formula are
    neutralised. Dates in the frame are ISO 8601 strings already (``published``), and pandas
    writes any datetime column in ISO 8601 too, so no locale format can creep in.
    """
    text = neutralise_formulas(frame).to_csv(index=False, lineterminator=CSV_LINE_END, na_rep="")
    return (BOM + text).encode("utf-8")


# --------------------------------------------------------------------------- XLSX

#: Excel's limit on the characters of one cell; longer text makes Excel "repair" the file.
XLSX_CELL_LIMIT: Final = 32_767
_MIN_WIDTH: Final = 8
_MAX_WIDTH: Final = 60
_BOLD: Final = Font(bold=True)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _xlsx_value(value: Any) -> Any:
    """A Python value openpyxl writes faithfully: None for missing, text neutralised and legal."""
    if _missing(value):
        return None
    if isinstance(value, str):
        value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
        if len(value) > XLSX_CELL_LIMIT:
            value = value[: XLSX_CELL_LIMIT - 1] + "…"
    return value


def _column_values(series: pd.Series) -> list[Any]:
    """Cells of one column as plain Python values (``tolist`` turns numpy scalars into int/float/bool)."""
    return [_xlsx_value(v) for v in series.tolist()]


def _width(header: str, series: pd.Series | None) -> float:
    """Characters wide enough for the header and most values, capped so prose columns stay usable."""
    longest = len(header)
    if series is not None and len(series):
        if _is_text(series):
            lengths = series.dropna().astype("str").str.len()
            if len(lengths):
                longest = max(longest, int(lengths.quantile(0.95)))
        else:
            longest = max(longest, 10)
    return float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH))


def _sheet(
    book: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float],
    *,
    table: bool = True,
) -> WriteOnlyWorksheet:
    """A write-only sheet: widths, then a bold header (frozen, with an autofilter when ``table``), then rows."""
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    count = 0
    if table:
        sheet.freeze_panes = "A2"
    if header:
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(name))
            cell.font = _BOLD
            cells.append(cell)
        sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
        count += 1
    if table and header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    return sheet


def _data_rows(frame: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    columns = [_column_values(frame[col]) for col in frame.columns]
    return zip(*columns, strict=True)


def _present(values: pd.Series) -> list[str]:
    return [str(v) for v in dict.fromkeys(values.dropna())]


def source_rows(frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    """One row per source the data draws on, in the order of ``sources.csv`` (:data:`SOURCE_FIELDS`)."""
    wanted = set(_present(frame[C.source_id]))
    sources = store.sources
    return sources.loc[sources["source_id"].isin(wanted), SOURCE_FIELDS].reset_index(drop=True)


def definition_rows(frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    """One row per risk present, in the order of ``risks.csv``, with what its coverage kind means."""
    wanted = set(_present(frame[C.risk]))
    risks = store.risks
    out = risks.loc[risks["risk"].isin(wanted), list(DEFINITION_FIELDS)].rename(columns=DEFINITION_FIELDS)
    out[COVERAGE_KIND_MEANING] = out["coverage_kind"].map({kind: tr(meaning) for kind, meaning in COVERAGE_KINDS.items()})
    return out.reset_index(drop=True)


def context_definition_rows(frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    """One row per context indicator present, in the order of ``indicators.csv``."""
    wanted = set(_present(frame[X.indicator]))
    indicators = store.indicators
    return indicators.loc[indicators["indicator"].isin(wanted), CONTEXT_DEFINITION_FIELDS].reset_index(drop=True)


class Table(NamedTuple):
    """What an export says about the table its rows come from (coverage or context)."""

    name: str  # in file names: essa-<name>_...
    citation: str  # the export's own citation ({n} rows, release {id} and {version}, {date}), translated when written
    note_label: str  # the About sheet's label of ``note``
    note_key: str  # the JSON / Parquet meta key of ``note``
    note: str
    sheets: str
    definitions: Callable[[pd.DataFrame, Store], pd.DataFrame]


COVERAGE_TABLE: Final = Table(
    "coverage",
    mark("ESSA Dash export of {n} coverage figures (data release {id}, version {version}), exported {date}."),
    mark("Gap"),
    "gap_note",
    GAP_NOTE,
    mark("Data: the rows, with their source and location in it; Sources: citations; Definitions: what each risk counts."),
    definition_rows,
)
CONTEXT_TABLE: Final = Table(
    "context",
    mark("ESSA Dash export of {n} SDG context values (data release {id}, version {version}), exported {date}."),
    mark("Values"),
    "note",
    CONTEXT_NOTE,
    mark(
        "Data: the rows, with their source and location in it; Sources: citations; "
        "Definitions: each series' SDG number, unit and custodian."
    ),
    context_definition_rows,
)


def release_stamp(store: Store) -> dict[str, str]:
    """The data release a file comes from: its id (what pinned links and file names carry), version and build time."""
    return {"id": store.release.id, "version": store.release.version, "created": store.release.created}


def release_text(store: Store) -> str:
    release = store.release
    return tr("{id} (version {version}, built {created})", id=release.id, version=release.version, created=release.created)


def citation_text(frame: pd.DataFrame, store: Store, *, exported_at: datetime, table: Table = COVERAGE_TABLE) -> str:
    """How to cite the file: the export itself, then the published sources its figures come from."""
    citations = " ".join(source_rows(frame, store)["citation"].dropna())
    release = store.release
    own = tr(
        table.citation,
        n=fmt_int(len(frame)),
        id=release.id,
        version=release.version,
        date=exported_at.date().isoformat(),
    )
    return tr("{export} Figures as published in: {citations}", export=own, citations=citations) if citations else own


def _about_rows(
    frame: pd.DataFrame, store: Store, filters: Mapping[str, str], exported_at: datetime, table: Table
) -> list[tuple[Any, ...]]:
    # parameter names and values are the URL vocabulary's codes: never translated
    filter_rows: list[tuple[Any, ...]] = [(str(k), str(v)) for k, v in filters.items()] or [(tr("(none)"), tr("the full table"))]
    return [
        (tr("Cite as"), citation_text(frame, store, exported_at=exported_at, table=table)),
        (tr("Exported at"), _iso(exported_at)),
        (tr("Rows"), len(frame)),
        (tr("Data release"), release_text(store)),
        (tr("Data build"), store.build_id),
        (tr(table.note_label), tr(table.note)),
        (tr("Series"), tr("Each edition is its own series: figures of different editions are never joined or spliced.")),
        (tr("Sheets"), tr(table.sheets)),
        (),
        (tr("Filters"), ""),
        *filter_rows,
    ]


def to_xlsx(
    frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = COVERAGE_TABLE
) -> bytes:
    """An Excel workbook: ``Data``, ``Sources``, ``Definitions`` and ``About`` sheets.

    Written in openpyxl's write-only mode (rows stream to the zip instead of building a cell
    object graph). It is still the slowest format by far (the full table, ~52k cells, takes
    ~0.3 s here; see bench/bench_exports.py), so it is meant for the filtered view a user
    asked for. ``exported_at`` should be timezone-aware (UTC): it is written in ISO 8601 with
    its offset. Numbers and booleans are typed cells, missing values
    are empty cells; text cells are neutralised against formula injection (openpyxl would
    otherwise store any string starting with ``=`` as a live formula) and stripped of the
    control characters XML cannot hold.
    """
    book = Workbook(write_only=True)
    _sheet(book, "Data", list(frame.columns), _data_rows(frame), [_width(col, frame[col]) for col in frame.columns])
    sources = source_rows(frame, store)
    _sheet(book, "Sources", SOURCE_FIELDS, sources.itertuples(index=False), [_width(col, sources[col]) for col in sources.columns])
    definitions = table.definitions(frame, store)
    _sheet(
        book,
        "Definitions",
        list(definitions.columns),
        definitions.itertuples(index=False),
        [_width(col, definitions[col]) for col in definitions.columns],
    )
    about = _sheet(book, "About", [], [], [16.0, 100.0], table=False)
    title = WriteOnlyCell(about, value=tr(TITLE))
    title.font = Font(bold=True, size=14)
    about.append([title])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in _about_rows(frame, store, filters, exported_at, table):
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(about, value=_xlsx_value(value))
            if index == 0:
                cell.font = _BOLD
            else:
                cell.alignment = wrap
            cells.append(cell)
        about.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- Parquet and JSON

#: Schema-metadata key of a Parquet export holding the same ``meta`` object as the JSON export.
PARQUET_META_KEY: Final = b"essa_export"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, every kind of missing (NaN, NA, None) as None."""
    columns = [[None if _missing(v) else v for v in frame[col].tolist()] for col in frame.columns]
    names = [str(col) for col in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def export_meta(
    frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = COVERAGE_TABLE
) -> dict[str, Any]:
    """What travels beside the rows in JSON and Parquet: release, build, time, filters, sources and definitions."""
    return {
        "title": tr(TITLE),
        "release": release_stamp(store),
        "build_id": store.build_id,
        "exported_at": _iso(exported_at),
        "filters": {str(k): str(v) for k, v in filters.items()},
        "row_count": len(frame),
        "citation": citation_text(frame, store, exported_at=exported_at, table=table),
        table.note_key: tr(table.note),
        "sources": _records(source_rows(frame, store)),
        "definitions": _records(table.definitions(frame, store)),
    }


def to_parquet(
    frame: pd.DataFrame,
    store: Store | None = None,
    *,
    filters: Mapping[str, str] | None = None,
    exported_at: datetime | None = None,
    table: Table = COVERAGE_TABLE,
) -> bytes:
    """Parquet (pyarrow, zstd) with the pandas dtypes kept: ``pd.read_parquet`` returns the frame as it was.

    Values are intact (no formula neutralising: programs read Parquet, not spreadsheets).
    Given the store and an export time, the schema metadata also holds the JSON ``meta``
    object under :data:`PARQUET_META_KEY`, so provenance travels with the file.
    """
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    if store is not None and exported_at is not None:
        meta = export_meta(frame, store, filters=filters or {}, exported_at=exported_at, table=table)
        extra = {PARQUET_META_KEY: json.dumps(meta, ensure_ascii=False, allow_nan=False).encode("utf-8")}
        arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **extra})
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer, compression="zstd")
    return buffer.getvalue()


def to_json(
    frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = COVERAGE_TABLE
) -> bytes:
    """``{"meta": {...}, "data": [{column: value}, ...]}`` as UTF-8.

    Needs the store and the export time beside the frame because ``meta`` carries the build
    id, the filters and the sources. Missing values are ``null`` (``allow_nan=False`` makes a
    stray NaN an error instead of the invalid JSON token ``NaN``); floats are written exactly;
    text is intact and not ASCII-escaped.
    """
    document = {"meta": export_meta(frame, store, filters=filters, exported_at=exported_at, table=table), "data": _records(frame)}
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


# --------------------------------------------------------------------------- formats for the web layer


class Writer(Protocol):
    """The one signature every format's writer has, so the web layer needs no per-format code."""

    def __call__(
        self, frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = ...
    ) -> bytes: ...


class ExportFormat(NamedTuple):
    media_type: str
    writer: Writer


def _csv_writer(
    frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = COVERAGE_TABLE
) -> bytes:
    return to_csv(frame)


def _parquet_writer(
    frame: pd.DataFrame, store: Store, *, filters: Mapping[str, str], exported_at: datetime, table: Table = COVERAGE_TABLE
) -> bytes:
    return to_parquet(frame, store, filters=filters, exported_at=exported_at, table=table)


#: Format name (also the file extension) -> media type and writer.
FORMATS: Final[dict[str, ExportFormat]] = {
    "csv": ExportFormat("text/csv; charset=utf-8", _csv_writer),
    "xlsx": ExportFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
    "parquet": ExportFormat("application/vnd.apache.parquet", _parquet_writer),
    "json": ExportFormat("application/json", to_json),
}


# --------------------------------------------------------------------------- file names

FILENAME_PREFIX: Final = "essa-coverage"
#: More codes than this are summarised as a count: the name must stay short and readable.
MAX_LISTED: Final = 3
_MAX_CODE: Final = 32
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]+")


def _slug(code: str) -> str:
    """A code reduced to ``[A-Za-z0-9_-]``: separators, dots and anything else become ``-``, then trimmed."""
    return _UNSAFE.sub("-", str(code)).strip("-_")[:_MAX_CODE].strip("-_")


def _name_part(codes: Sequence[str], singular: str, plural: str) -> str:
    distinct = list(dict.fromkeys(codes))
    if not distinct:
        return f"all-{plural}"
    slugs = [s for s in dict.fromkeys(_slug(c) for c in distinct) if s]
    if len(distinct) > MAX_LISTED or not slugs:
        return f"{len(distinct)}-{singular if len(distinct) == 1 else plural}"
    return "-".join(slugs)


def export_filename(
    *, countries: Sequence[str], risks: Sequence[str], fmt: str, on: date, release: str, full: bool = False, table: str = "coverage"
) -> str:
    """The download's name, e.g. ``essa-coverage_VNM-IDN_old_age_2026-11-22_release-94b3dd1e9add.xlsx``.

    Built only from ``[A-Za-z0-9_.-]`` (codes come from URLs, so anything else, path
    separators included, is replaced); more than :data:`MAX_LISTED` countries or risks become
    a count (``5-countries``), none means all (``all-risks``); the full table is
    ``essa-coverage_all_<date>_release-<id>.<ext>``. The data release id ends every name: a CSV
    has nowhere else to say it without breaking its readers. An unknown ``fmt`` is a
    ``ValueError``, never an extension.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {sorted(FORMATS)}")
    stamp = f"{on:%Y-%m-%d}_release-{_slug(release)}"
    prefix = FILENAME_PREFIX if table == "coverage" else f"essa-{_slug(table)}"
    if full:
        return f"{prefix}_all_{stamp}.{fmt}"
    where = _name_part(countries, "country", "countries")
    what = _name_part(risks, "risk", "risks") if table == "coverage" else _name_part(risks, "indicator", "indicators")
    return f"{prefix}_{where}_{what}_{stamp}.{fmt}"
