"""Raw files -> ``data/*.parquet``: discover, verify, load, join, validate, write atomically.

Every folder under ``data/raw/`` that holds a ``provenance.json`` is a dataset: the
provenance names its producer, licence and source id, and lists each file with its
sha256 and layout. The build verifies the checksums (a raw file edited by accident
is an error, not a silent change), runs the loader of each layout, and joins the
rows under these precedence rules:

1. Sources never override each other: each source, and so each edition, is its own
   series, even where two editions give the same cell different values.
2. Within one source, a file ingested later replaces the rows of the same cell
   (source, country, risk, sex, year) of files ingested before it.
3. The curated CSV supplies only the sources no raw file provides (publications and
   press pages); its copies of raw-file figures are checked by the tests instead.
5. What a file says about a figure it does not supply travels to that figure: the
   curated table's notes on its copies of raw-file figures, and the notes of an
   ILOSTAT download (layout ``ilostat-notes``) on the same cells of the DDF mirror,
   which drops ILOSTAT's note columns. Only where the value is the same.

The tables are kept as a data release (:mod:`essa_dash.releases`): its id comes from
the build id, a hash of every input (raw files, reference tables, loader code), so the
same inputs always name the same release.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest import curated, ddf, flags, ilostat_csv, owid, population, unsdg_api
from essa_dash.ingest.common import Loaded
from essa_dash.ingest.reference import Reference
from essa_dash.paths import PROJECT_DIR, raw_dir, reference_dir
from essa_dash.releases.disk import Published, lock, publish
from essa_dash.releases.package import Input
from essa_dash.schema import (
    CONTEXT_COLUMNS,
    CONTEXT_KEY,
    CONTEXT_LOADER_COLUMNS,
    COVERAGE_COLUMNS,
    KEY,
    coerce,
    coerce_context,
    validate_context,
    validate_coverage,
)
from essa_dash.schema import Context as X
from essa_dash.schema import Coverage as C

PROVENANCE = "provenance.json"
#: A layout whose rows are not figures but notes on the figures of another source (rule 5).
NOTES_LAYOUT = "ilostat-notes"
TABLES = ("coverage", "sources", "editions", "risks", "countries", "headlines", "population", "context", "indicators")
#: The layout of the SDG context series: read into the context table, never into coverage.
CONTEXT_LAYOUT = "ddf_context"

Loader = Callable[..., Loaded]
LOADERS: dict[str, Loader] = {
    "ddf": ddf.load,
    "ilostat": ilostat_csv.load,
    "sdg": unsdg_api.load,
    "owid": owid.load,
    "curated": curated.load,
}


@dataclass(frozen=True)
class Dataset:
    """One folder of raw files and what its provenance.json says about them."""

    folder: Path
    provenance: dict

    @property
    def source_id(self) -> str | None:
        return self.provenance.get("source_id")

    @property
    def order(self) -> tuple[str, str]:
        # built-in datasets first, then ingested files in the order they were added
        return (self.provenance.get("ingested_at", ""), self.folder.as_posix())

    def files(self) -> list[tuple[Path, str | None]]:
        return [(self.folder / f["name"], f.get("layout")) for f in self.provenance["files"]]

    def verify(self) -> None:
        """Each listed file exists and still has the bytes it had when it was recorded."""
        for entry in self.provenance["files"]:
            path = self.folder / entry["name"]
            if not path.is_file():
                raise DataError("listed in provenance.json but missing", path=path)
            if sha256(path) != entry["sha256"]:
                raise DataError("changed since it was recorded in provenance.json (sha256 differs); raw files stay as published", path=path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(root: Path) -> list[Dataset]:
    """Every dataset under ``raw/``, in precedence order.

    Hidden folders are skipped: an ingest stages its file in ``.<name>.<pid>.tmp`` and
    renames it into place, so a staging left by a killed ingest is never read as data.
    """
    found = []
    raw = raw_dir(root)
    for path in sorted(raw.rglob(PROVENANCE)):
        folder = path.parent.relative_to(raw)
        if any(part.startswith(".") for part in folder.parts):
            continue
        try:
            provenance = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise DataError(f"unreadable provenance of raw/{folder.as_posix()}: {err}", path=path) from None
        if not isinstance(provenance, dict) or not isinstance(provenance.get("files"), list):
            raise DataError(f"provenance of raw/{folder.as_posix()} has no 'files' list", path=path)
        found.append(Dataset(path.parent, provenance))
    if not found:
        raise DataError(f"no datasets (folders with {PROVENANCE}) under {raw_dir(root)}")
    return sorted(found, key=lambda d: d.order)


@dataclass
class Build:
    """The built tables plus what the build read, kept and left out."""

    tables: dict[str, pd.DataFrame]
    build_id: str
    loaded: list[Loaded] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    inputs: list[Input] = field(default_factory=list)
    published: Published | None = None  # set once the tables are kept as a release

    @property
    def coverage(self) -> pd.DataFrame:
        return self.tables["coverage"]

    def report(self) -> str:
        lines = [f"built {len(self.coverage)} coverage rows in {self.seconds:.2f} s (build {self.build_id[:12]})"]
        counts = self.coverage.groupby(C.source_id).size()
        lines += [f"  {source:<24} {count:>5} rows" for source, count in counts.items()]
        context = self.tables.get("context")
        if context is not None:
            lines.append(f"built {len(context)} context rows")
            lines += [f"  {name:<24} {count:>5} rows" for name, count in context.groupby(X.indicator).size().items()]
        lines += [f"  {note}" for note in self.notes]
        if self.published:
            release = self.published.release
            state = "new release" if self.published.new else "same inputs as a kept release, current again"
            lines.append(f"data release {release.id}, version {release.version} ({state})")
        return "\n".join(lines)


def load_reference(root: Path, datasets: list[Dataset]) -> Reference:
    """The reference tables plus the sources that ingested files describe themselves."""
    ref = Reference.load(reference_dir(root))
    for dataset in datasets:
        source = dataset.provenance.get("source")
        if isinstance(source, dict):
            ref = ref.with_source(source)
    return ref


def build(root: Path, *, extra: list[Dataset] | None = None) -> Build:
    """Build every table from ``raw/`` and ``reference/`` (plus ``extra`` staged datasets)."""
    started = time.perf_counter()
    datasets = discover(root) + list(extra or [])
    ref = load_reference(root, datasets)
    raw_sources = {d.source_id for d in datasets if d.source_id}
    inputs = _inputs(root, datasets)
    result = Build(tables={}, build_id=_build_id(inputs), inputs=inputs)

    frames: list[pd.DataFrame] = []
    populations: list[pd.DataFrame] = []
    annotations: list[tuple[str, pd.DataFrame]] = []
    contexts: list[pd.DataFrame] = []
    for dataset in datasets:
        dataset.verify()
        options = dataset.provenance.get("options", {})
        for path, layout in dataset.files():
            if layout is None:
                continue
            if layout == "population":
                populations.append(population.load(path, ref, source_id=dataset.source_id))
                continue
            if layout == NOTES_LAYOUT:
                loaded = ilostat_csv.load(path, ref, source_id=options["notes_for"])
                result.loaded.append(loaded)
                annotations.append((path.name, loaded.frame))
                continue
            if layout == CONTEXT_LAYOUT:
                loaded = ddf.load_context(path, ref, source_id=dataset.source_id)
                result.loaded.append(loaded)
                contexts.append(loaded.frame)
                continue
            if layout not in LOADERS:
                raise DataError(f"unknown layout {layout!r} in provenance.json", path=dataset.folder / PROVENANCE)
            loaded = LOADERS[layout](path, ref, source_id=dataset.source_id, **options)
            frame = loaded.frame
            if layout == "curated":
                from_raw = frame[C.source_id].isin(raw_sources)
                if from_raw.any():
                    result.notes.append(f"{path.name}: {int(from_raw.sum())} rows of sources read from raw files were not used (rule 3)")
                # its notes on raw-file figures travel where they flag something (rule 5)
                annotations.append((path.name, frame[from_raw & frame[C.obs_flags].notna()]))
                frame = frame[~from_raw]
            result.loaded.append(loaded)
            frames.append(frame.assign(_order=len(frames)))

    coverage = _join(frames, result)
    for origin, notes in annotations:
        coverage = _annotate(coverage, notes, origin, result)
    tables = {
        "coverage": _enrich(coverage, ref),
        "sources": ref.sources,
        "editions": ref.editions,
        "risks": ref.risks,
        "countries": ref.countries.assign(m49=pd.to_numeric(ref.countries["m49"]).astype("Int16")),
        "headlines": ref.headlines.assign(
            order=ref.headlines["order"].astype("int64"), described_year=pd.to_numeric(ref.headlines["described_year"]).astype("Int16")
        ),
        "population": pd.concat(populations, ignore_index=True) if populations else pd.DataFrame(columns=population.COLUMNS),
        "context": _enrich_context(contexts, ref),
        "indicators": ref.indicators,
    }
    validate_coverage(
        tables["coverage"],
        countries=set(ref.countries["iso3"]),
        risks=set(ref.risks["risk"]),
        sources=set(ref.sources["source_id"]),
        editions=set(ref.editions["edition"]),
    )
    validate_context(
        tables["context"],
        countries=set(ref.countries["iso3"]),
        indicators=ref.unit_of_indicator,
        sources=set(ref.sources["source_id"]),
        editions=set(ref.editions["edition"]),
    )
    _check_headlines(tables["coverage"], ref)
    result.tables = tables
    result.seconds = time.perf_counter() - started
    return result


def _join(frames: list[pd.DataFrame], result: Build) -> pd.DataFrame:
    """Concatenate in precedence order; a later file's row replaces an earlier one of the same cell."""
    coverage = pd.concat(frames, ignore_index=True)
    replaced = coverage.duplicated(KEY, keep="last")
    if replaced.any():
        result.notes.append(f"{int(replaced.sum())} rows replaced by files ingested later (rule 2)")
    return coverage[~replaced].drop(columns="_order")


def _annotate(coverage: pd.DataFrame, notes: pd.DataFrame, origin: str, result: Build) -> pd.DataFrame:
    """Carry notes and flags onto the rows of the same cell and value (rule 5).

    The curated table's copies of raw-file figures carry its cross-checks and revisions,
    and an ILOSTAT download can carry the notes that the DDF mirror drops: the figure
    comes from the raw file, what is said about it from the annotating file. A note is
    carried only where the value is the same, so it is never attached to another figure.
    """
    said = notes[notes[C.note].notna() | notes[C.obs_flags].notna()]
    if said.empty:
        return coverage
    keyed = said.set_index(KEY)[[C.coverage_pct, C.note, C.obs_flags]].add_prefix("_by_")
    merged = coverage.join(keyed, on=KEY, how="left")
    same = merged["_by_" + C.coverage_pct].notna() & (merged["_by_" + C.coverage_pct] == merged[C.coverage_pct])
    missed = len(said) - int(same.sum())
    if missed:
        result.notes.append(f"{origin}: {missed} annotated rows match no figure of the same value; their notes are not carried")
    note = merged[C.note].where(~same | merged[C.note].isna(), merged[C.note] + " | " + merged["_by_" + C.note].fillna(""))
    note = note.where(~same | merged[C.note].notna(), merged["_by_" + C.note])
    coverage = coverage.assign(
        **{
            C.note: note.str.removesuffix(" | "),
            C.obs_flags: flags.combine(coverage[C.obs_flags], merged["_by_" + C.obs_flags].where(same)),
        }
    )
    return coverage


def _enrich(coverage: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Add what the reference tables know (names, kind of the risk, edition and status of the source), then the derived flags.

    Maternity is measured among women only; the UN SDG database's 2018 release codes
    its regional maternity figures BOTHSEX, so a "total" row of a women-only risk is
    recorded as female (a second, different female row would then fail validation).
    """
    countries = ref.countries.set_index("iso3")
    women_only = set(ref.risks.loc[ref.risks["default_sex"] == "female", "risk"])
    coverage = coverage.assign(**{C.sex: coverage[C.sex].mask(coverage[C.risk].isin(women_only) & (coverage[C.sex] == "total"), "female")})
    coverage = coverage.assign(
        **{
            C.country: coverage[C.iso3].map(countries["short_name"]),
            C.is_aggregate: coverage[C.iso3].map(countries["is_aggregate"]).astype("bool"),
            C.coverage_kind: coverage[C.risk].map(dict(zip(ref.risks["risk"], ref.risks["coverage_kind"], strict=True))),
            C.edition: coverage[C.source_id].map(ref.edition_of_source),
            C.withdrawn: coverage[C.source_id].isin(ref.withdrawn_sources),
        }
    )
    # flags the build itself knows: the source's status, and the plausibility rule over each series
    marks = {"withdrawn": coverage[C.withdrawn], "implausible": flags.implausible(coverage)}
    derived = [mark.map({True: code, False: None}) for code, mark in marks.items()]
    coverage = coverage.assign(**{C.obs_flags: flags.combine(coverage[C.obs_flags], *derived)})
    coverage = coerce(coverage[COVERAGE_COLUMNS])
    return coverage.sort_values(KEY, na_position="first", kind="stable").reset_index(drop=True)


def _enrich_context(frames: list[pd.DataFrame], ref: Reference) -> pd.DataFrame:
    """The context rows with area names and the edition of their source, in key order."""
    if not frames:
        return coerce_context(pd.DataFrame(columns=CONTEXT_COLUMNS))
    context = pd.concat(frames, ignore_index=True)[CONTEXT_LOADER_COLUMNS]
    countries = ref.countries.set_index("iso3")
    context = context.assign(
        **{
            X.country: context[X.iso3].map(countries["short_name"]),
            X.is_aggregate: context[X.iso3].map(countries["is_aggregate"]).astype("bool"),
            X.edition: context[X.source_id].map(ref.edition_of_source),
        }
    )
    context = coerce_context(context[CONTEXT_COLUMNS])
    return context.sort_values(CONTEXT_KEY, na_position="first", kind="stable").reset_index(drop=True)


def _check_headlines(coverage: pd.DataFrame, ref: Reference) -> None:
    """Each headline statement must find exactly one world figure to compute its gap from."""
    for row in ref.headlines.itertuples():
        hits = coverage[(coverage[C.source_id] == row.source_id) & (coverage[C.risk] == row.risk) & (coverage[C.iso3] == "WLD")]
        if len(hits) != 1:
            raise DataError(
                f"headline {row.order} ({row.risk}, {row.source_id}) matches {len(hits)} world figures, not 1", path="headlines.csv"
            )


def _inputs(root: Path, datasets: list[Dataset]) -> list[Input]:
    """Every file the tables depend on, with its sha256: raw files, reference tables, the loaders and the schema."""
    found = []
    for dataset in datasets:
        # provenance names the folder under raw/ (a staged ingest is not there yet, but will be)
        folder = dataset.provenance.get("folder") or dataset.folder.name
        found += [Input("raw", f"raw/{folder}/{entry['name']}", entry["sha256"]) for entry in dataset.provenance["files"]]
    found += [Input("reference", f"reference/{path.name}", sha256(path)) for path in sorted(reference_dir(root).glob("*.csv"))]
    code = Path(__file__).resolve().parent  # the loaders and the schema decide the output too
    for path in [*sorted(code.glob("*.py")), code.parent / "schema.py"]:
        found.append(Input("code", path.relative_to(PROJECT_DIR).as_posix(), sha256(path)))
    return found


def build_id(root: Path) -> str:
    """The build id raw/, reference/ and the loaders as they are now would give (no table is built)."""
    return _build_id(_inputs(root, discover(root)))


def _build_id(inputs: list[Input]) -> str:
    """A hash of every input: same inputs, same id (and so the same release)."""
    digest = hashlib.sha256()
    for entry in inputs:
        digest.update(f"{entry.kind} {entry.path} {entry.sha256}\n".encode())
    return digest.hexdigest()


def write_tables(result: Build, root: Path) -> Published:
    """Keep the built tables as a data release and make it the current one (the caller holds :func:`lock`)."""
    result.published = publish(root, result.tables, build_id=result.build_id, inputs=result.inputs)
    return result.published


def build_data(root: Path) -> Build:
    """``essa-dash build-data``: rebuild every table from raw files, under the lock, and keep them as a release."""
    with lock(root):
        result = build(root)
        write_tables(result, root)
    return result
