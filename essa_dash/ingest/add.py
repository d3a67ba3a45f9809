"""``essa-dash ingest``: validate a newly downloaded file, show what it changes, then merge it.

The file is read by the loader of its layout (detected from the header unless
``--format`` says), checked like every built-in file, and the whole table is rebuilt
in memory with it. The report lists the rows it would add, change or remove, and
compares the new edition with the one it would supersede (:mod:`essa_dash.ingest.compare`):
cells added, revised, lacking, areas absent, flags gained or lost. The newest complete
release of a database becomes the default edition unless ``--keep-default``. The
source's title, publisher and licence come from the file and its producer or from
options; placeholders are refused. Only then, and only without ``--dry-run``, is the
file copied unchanged into ``data/raw/ingested/<source_id>/`` with a provenance.json,
and the tables rewritten. Nothing is written if any check fails. Precedence rules:
see :mod:`essa_dash.ingest.build`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from essa_dash.errors import DataError
from essa_dash.ingest import curated, ddf, ilostat_csv, unsdg_api
from essa_dash.ingest.build import PROVENANCE, Build, Dataset, build, build_id, discover, lock, sha256, write_tables
from essa_dash.ingest.common import decode, read_bytes, read_csv_text
from essa_dash.ingest.compare import Comparison, compare
from essa_dash.paths import raw_dir
from essa_dash.schema import KEY
from essa_dash.schema import Coverage as C

FORMATS = ("auto", "curated", "ddf", "ilostat", "sdg")
INGESTED = "ingested"
#: Per layout: source id prefix, database, publisher and how years are stamped (for a new source).
PUBLISHERS = {
    "ilostat": ("ILOSTAT_CSV", "ILOSTAT", "International Labour Organization (ILOSTAT)", "data year"),
    "ddf-ilostat": ("ILOSTAT_DDF", "ILOSTAT", "International Labour Organization (ILOSTAT)", "data year"),
    "sdg": ("UNSDG_API", "UN SDG DB", "UN Statistics Division (SDG Global Database)", "report reference year"),
    "ddf-sdg": ("UNSDG_DDF", "UN SDG DB", "UN Statistics Division (SDG Global Database)", "report reference year"),
}
#: The terms each producer publishes its data under, as sources.csv states them for its other releases.
LICENCES = {"ILOSTAT": "ILO terms of use", "UN SDG DB": "UN terms of use"}
#: Per layout family: the column whose first value names what the file holds (its title).
TITLE_COLUMNS = {"ilostat": ("indicator.label", "indicator"), "sdg": ("SeriesDescription",)}
#: Metadata that says nothing: refused as a title, publisher or licence (compared case-insensitively).
PLACEHOLDERS = ("", "as stated by the publisher", "unknown", "todo", "tbd", "n/a", "na", "none", "placeholder", "-", "?")


def detect(path: Path) -> str:
    """The layout of a file, from its name (DDF) or its header line."""
    if ddf.FILE_NAME.fullmatch(path.name):
        return "ddf"
    text = decode(read_bytes(path)[:65536], path)
    header = [h.strip().strip('"') for h in text.splitlines()[0].split(",")] if text else []
    if ilostat_csv.variant(header):
        return "ilostat"
    if unsdg_api.is_sdg_api([re.sub(r"^\[(.*)\]$", r"\1", h) for h in header]):
        return "sdg"
    if curated.is_curated(header):
        return "curated"
    raise DataError(f"unrecognised layout (header starts {', '.join(header[:6])}); pass --format", path=path, line=1)


def _download_date(path: Path) -> str:
    """The date in an ILOSTAT/UN file name (``-filtered-2026-05-25``, ``-20260803T1618``), else today."""
    if match := re.search(r"(20\d\d)-?(\d\d)-?(\d\d)", path.name):
        return "-".join(match.groups())
    return dt.date.today().isoformat()


@dataclass(frozen=True)
class Metadata:
    """What the user says about a new source (each None: from the file and its producer)."""

    title: str | None = None
    publisher: str | None = None
    licence: str | None = None


def _file_title(path: Path, family: str) -> str | None:
    """What the file says it holds: its indicator or series label (DDF files name only a code)."""
    if family.startswith("ddf"):
        return None
    frame = read_csv_text(path)
    column = next((c for c in TITLE_COLUMNS[family] if c in frame.columns), None)
    return frame[column].iloc[0].strip() if column else None


def _checked(value: str | None, what: str, option: str) -> str:
    if value is None or value.strip().casefold() in PLACEHOLDERS or value.strip().casefold().startswith(PLACEHOLDERS[1]):
        raise DataError(f"no {what} for the new source ({value!r} says nothing); pass {option}")
    return value.strip()


def describe_source(
    path: Path, layout: str, *, source_id: str | None, edition: str | None, metadata: Metadata = Metadata()
) -> dict[str, object] | None:
    """The source entry a downloaded file brings (None for the curated layout: rows name theirs).

    Title, publisher and licence come from the options, else from the file (its indicator or series
    label) and its producer (the terms it publishes under); a placeholder is refused, naming the option.
    """
    if layout == "curated":
        return None
    family = layout
    if layout == "ddf":
        family = "ddf-ilostat" if ddf.parse_name(path)[0] == ddf.ILOSTAT_INDICATOR else "ddf-sdg"
    date = _download_date(path)
    prefix, database, publisher, year_basis = PUBLISHERS[family]
    edition = edition or f"{database} {date}"
    source_id = source_id or f"{prefix}_{date}"
    said = _file_title(path, family)
    title = metadata.title or (f"{said}, {database} download of {date} ({path.name})" if said else None)
    title = _checked(title, "title (the file names no indicator)", "--title")
    publisher = _checked(metadata.publisher or publisher, "publisher", "--publisher")
    licence = _checked(metadata.licence or LICENCES.get(database), "licence", "--licence")
    return {
        "source_id": source_id,
        "title": title,
        "publisher": publisher,
        "published": date,
        "edition": edition,
        "url": f"data/raw/{INGESTED}/{source_id}/{path.name}",
        "licence": licence,
        "trust": "as the publisher",
        "withdrawn": False,
        "citation": f"{publisher}. {title}.",
        "edition_label": edition,
        "edition_published": date,
        "edition_publisher": publisher,
        "edition_database": database,
        "edition_year_basis": year_basis,
        "edition_description": f"A download of {date} added with essa-dash ingest.",
    }


@dataclass
class Plan:
    """What ingesting a file would do; ``apply`` carries it out."""

    path: Path
    layout: str
    dataset: Dataset
    result: Build
    added: pd.DataFrame
    changed: pd.DataFrame
    removed: pd.DataFrame
    already: bool
    comparison: Comparison | None = None
    default: str = ""  # the default edition after this ingest
    previous_default: str = ""
    keep_default: bool = False
    #: Already in raw/, but the current tables were not built from raw/ as it is (an ingest killed between the two).
    stale: bool = False

    def report(self, current: pd.DataFrame) -> str:
        loaded = [item for item in self.result.loaded if item.path.name == self.path.name]
        lines = [loaded[-1].summary()] if loaded else []  # the staged file is read last
        source = self.dataset.provenance.get("source")
        if isinstance(source, dict):
            lines.append(f"source {source['source_id']} (edition {source['edition']!r})")
        if self.already:
            lines.append(
                "this file is already ingested, but the tables were not rebuilt from raw/ since (an interrupted ingest?)"
                if self.stale
                else "this file is already ingested: nothing to do"
            )
            return "\n".join(lines)
        lines.append(f"adds {len(self.added)} rows, changes {len(self.changed)}, removes {len(self.removed)}")
        lines += [f"  + {_cell(row)}: {row[C.coverage_pct]:g}{_elsewhere(row, current)}" for _, row in self.added.head(50).iterrows()]
        lines += [f"  ~ {_cell(row)}: {row['before']:g} -> {row[C.coverage_pct]:g}" for _, row in self.changed.head(50).iterrows()]
        lines += [f"  - {_cell(row)}: {row[C.coverage_pct]:g}" for _, row in self.removed.head(50).iterrows()]
        shown = min(len(self.added), 50) + min(len(self.changed), 50) + min(len(self.removed), 50)
        if shown < len(self.added) + len(self.changed) + len(self.removed):
            lines.append("  ... (first 50 of each shown)")
        if self.comparison is not None:
            from essa_dash.text.ingest import comparison_report, default_report  # words live in the text layer

            risks = self.result.tables["risks"]
            lines += comparison_report(self.comparison, dict(zip(risks["risk"], risks["short_label"], strict=True)))
            becomes = self.default != self.previous_default
            lines.append(
                default_report(self.comparison, current=self.previous_default, becomes_default=becomes, keep_default=self.keep_default)
            )
        return "\n".join(lines)


def _cell(row: pd.Series) -> str:
    year = "" if pd.isna(row[C.year]) else f" {row[C.year]}"
    return f"{row[C.source_id]} {row[C.iso3]} {row[C.risk]} {row[C.sex]}{year}"


def _elsewhere(row: pd.Series, current: pd.DataFrame) -> str:
    """The same cell in other editions: how a new release revises earlier ones."""
    same = current[
        (current[C.iso3] == row[C.iso3])
        & (current[C.risk] == row[C.risk])
        & (current[C.sex] == row[C.sex])
        & (current[C.year] == row[C.year])
    ]
    if same.empty:
        return ""
    return " (elsewhere: " + "; ".join(f"{r[C.edition]} {r[C.coverage_pct]:g}" for _, r in same.iterrows()) + ")"


def plan(
    path: Path,
    root: Path,
    *,
    layout: str = "auto",
    source_id: str | None = None,
    edition: str | None = None,
    metadata: Metadata = Metadata(),
    keep_default: bool = False,
) -> Plan:
    """Validate ``path`` and compute its effect on the tables, writing nothing (not even a temporary copy).

    A symbolic link is refused before anything is read: the error messages quote a
    file's header, which must never be the first line of some other file.
    """
    if Path(path).is_symlink():
        raise DataError("is a symbolic link; give the file itself", path=path)
    path = Path(path).resolve()
    if layout not in FORMATS:
        raise DataError(f"unknown format {layout!r}; choose one of {', '.join(FORMATS)}")
    layout = detect(path) if layout == "auto" else layout
    digest = sha256(path)
    for dataset in discover(root):
        if any(entry["sha256"] == digest for entry in dataset.provenance["files"] if entry.get("layout")):
            return Plan(path, layout, dataset, Build({}, ""), *(pd.DataFrame(),) * 3, already=True, stale=not up_to_date(root))

    source = describe_source(path, layout, source_id=source_id, edition=edition, metadata=metadata)
    folder_name = source["source_id"] if source else f"curated-{dt.date.today().isoformat()}-{digest[:8]}"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", str(folder_name)):
        raise DataError(f"source id {folder_name!r} may only hold letters, digits, '_', '.', '-'")
    provenance = {
        "folder": f"{INGESTED}/{folder_name}",
        "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "original_path": str(path),
        "files": [{"name": path.name, "sha256": digest, "bytes": path.stat().st_size, "layout": layout}],
    }
    if source:
        provenance["source_id"] = source["source_id"]
        provenance["source"] = source
    # read where it is: the build takes the file by name from the dataset's folder; apply copies it
    dataset = Dataset(path.parent, provenance)
    result = build(root, extra=[dataset])
    current = current_table(root)
    added, changed, removed = diff(current, result.coverage)
    editions = result.tables["editions"]
    previous = str(editions.loc[editions["is_default"], "edition"].iloc[0])
    comparison = compare(result.coverage, editions, source["edition"]) if source else None
    default = previous
    if comparison is not None and comparison.complete and not keep_default:
        # the newest complete release of its database becomes the default (kept in its provenance, so a rebuild agrees)
        source["edition_is_default"] = True
        default = comparison.edition
    return Plan(path, layout, dataset, result, added, changed, removed, False, comparison, default, previous, keep_default)


def current_table(root: Path) -> pd.DataFrame:
    """The coverage table of the current release, or as raw/ would build it when there is none yet."""
    from essa_dash.store import read_store  # the store reads releases, which build.py writes: import when used

    try:
        return read_store(root).coverage
    except DataError:
        return build(root).coverage  # no usable release yet: compare with a fresh build


def diff(before: pd.DataFrame, after: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows added, changed (with ``before``) and removed, matched on the table key."""
    merged = before[[*KEY, C.coverage_pct]].merge(after, on=KEY, how="outer", suffixes=("_before", ""), indicator=True)
    added = merged[merged["_merge"] == "right_only"]
    removed = merged[merged["_merge"] == "left_only"].assign(**{C.coverage_pct: lambda f: f[f"{C.coverage_pct}_before"]})
    both = merged[merged["_merge"] == "both"]
    changed = both[both[f"{C.coverage_pct}_before"] != both[C.coverage_pct]].rename(columns={f"{C.coverage_pct}_before": "before"})
    return added, changed, removed


def up_to_date(root: Path) -> bool:
    """Whether the current release was built from raw/, reference/ and the loaders exactly as they are now."""
    from essa_dash.releases.disk import current_id, release_id

    return current_id(root) == release_id(build_id(root))


def apply(p: Plan, root: Path) -> Path | None:
    """Copy the file into raw/ with its provenance, then rewrite the tables (under the lock).

    All or nothing: the file is staged in a hidden folder beside its target (builds skip
    hidden folders) and renamed into place; if anything fails before the new tables are
    current (a full disk, a permission, an interrupt), the staging and the placed folder are
    removed, so data/ is as it was. A plan of a file already in raw/ whose tables are
    stale (:attr:`Plan.stale`) rebuilds the tables and places nothing.
    """
    if p.already:
        if not p.stale:
            return None
        with lock(root):
            write_tables(build(root), root)
        return p.dataset.folder
    with lock(root):
        target = raw_dir(root) / p.dataset.provenance["folder"]
        if target.exists():
            raise DataError(f"{target} already exists; pass another --source-id")
        for leftover in target.parent.glob(".*.tmp"):  # staging of an ingest that was killed (we hold the lock)
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        placed = False
        try:
            tmp.mkdir(parents=True)
            source = p.path
            shutil.copy2(source, tmp / source.name)
            if sha256(tmp / source.name) != p.dataset.provenance["files"][0]["sha256"]:
                raise DataError("changed while it was being ingested; run the ingest again", path=source)
            text = json.dumps(p.dataset.provenance, indent=2, ensure_ascii=False) + "\n"
            (tmp / PROVENANCE).write_text(text, encoding="utf-8")
            tmp.replace(target)  # the raw file appears whole or not at all
            placed = True
            write_tables(build(root), root)  # from raw/ alone, exactly as build-data would
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if placed:
                shutil.rmtree(target, ignore_errors=True)  # the old release is still current: back to as it was
            raise
    return target
