"""Reading and checking helpers shared by every loader.

Files arrive from ILOSTAT, the UN and statistics offices, saved by hand: they may
carry a byte-order mark, trailing NUL padding (the UN SDG API does this), a missing
column, a truncated last line or a different encoding. Everything here turns such
a problem into one :class:`DataError` that names the file, line and column.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from essa_dash.errors import DataError
from essa_dash.schema import KEY, LOADER_COLUMNS, coerce
from essa_dash.schema import Coverage as C

#: Refuse anything larger: the whole ILOSTAT SDG 1.3.1 download is ~10 MB.
MAX_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing missing, empty, huge and binary files."""
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", path=path)
    size = path.stat().st_size
    if size == 0:
        raise DataError("file is empty", path=path)
    if size > MAX_BYTES:
        raise DataError(f"file is {size / 1e6:.0f} MB, more than the {MAX_BYTES // 2**20} MiB limit", path=path)
    data = path.read_bytes().rstrip(b"\x00")  # the UN SDG API pads its CSV with NULs
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("file is UTF-16 encoded; save it as UTF-8 CSV", path=path)
    if b"\x00" in data[:65536] or data.startswith((b"PK\x03\x04", b"\x1f\x8b", b"%PDF")):
        raise DataError("file is binary (a spreadsheet, archive or PDF?), not a CSV text file", path=path)
    return data


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text without the byte-order mark; any other encoding is refused with its position."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8 CSV", path=path, line=line) from None


def read_csv_text(path: Path) -> pd.DataFrame:
    """Parse a CSV file into a frame of strings indexed by file line number.

    Every row must have as many fields as the header: a shorter row is what a
    truncated download looks like, and pandas would silently pad it with NaN.
    Empty fields stay empty strings; callers decide what "missing" means.
    """
    path = Path(path)
    text = decode(read_bytes(path), path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows, lines = [], []
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue
            if len(row) != len(header):
                raise DataError(
                    f"has {len(row)} fields but the header has {len(header)} (truncated or malformed file?)",
                    path=path,
                    line=reader.line_num,
                )
            rows.append(row)
            lines.append(line)
    except StopIteration:
        raise DataError("file is empty", path=path) from None
    except csv.Error as err:
        hint = " (the file ends inside a quoted field: truncated download?)" if "end of data" in str(err) else ""
        raise DataError(f"malformed CSV: {err}{hint}", path=path, line=reader.line_num) from None
    header = [name.strip() for name in header]
    seen = {name for name, count in Counter(header).items() if count > 1}  # linear: 100,000 columns take milliseconds
    if seen:
        raise DataError(f"duplicate column names {sorted(seen)}", path=path, line=1)
    if not rows:
        raise DataError("file has a header but no data rows", path=path)
    return pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype="str")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path, layout: str) -> None:
    """Fail with the names of missing columns (columns are matched by name, never position)."""
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise DataError(f"missing column(s) {missing} for the {layout} layout; found {list(frame.columns)}", path=path, line=1)


def line_of(label: object) -> int:
    """The file line of a row of a frame read by :func:`read_csv_text` (its index label).

    Loaders filter rows but keep that index, so an error can always name the line.
    """
    return int(label)


def percent(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse published percentages; anything non-numeric or outside 0-100 is an error."""
    return measure(values, path, column, low=0.0, high=100.0, what="coverage", unit="per cent")


def measure(values: pd.Series, path: Path, column: str, *, low: float, high: float, what: str, unit: str = "") -> pd.Series:
    """Parse published numbers of one unit; anything non-numeric or outside ``low``-``high`` is an error."""
    text = values.str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype="float64", na_value=np.nan))
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"not a number: {values[label]!r}", path=path, line=line_of(label), column=column)
    out = (numbers < low) | (numbers > high)
    if out.any():
        label = out.idxmax()
        bounds = f"{low:g}-{high:g} {unit}".strip()
        raise DataError(f"{what} {values[label]} is outside {bounds}", path=path, line=line_of(label), column=column)
    return numbers.astype("float64")


def years(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Parse four-digit calendar years (annual data only)."""
    text = values.str.strip()
    bad = ~text.str.fullmatch(r"(19|20|21)\d\d")
    if bad.any():
        label = bad.idxmax()
        raise DataError(f"not an annual year: {values[label]!r}", path=path, line=line_of(label), column=column)
    return text.astype("int64").astype("Int16")


def map_codes(values: pd.Series, mapping: dict[str, str], path: Path, column: str, what: str) -> pd.Series:
    """Map codes onto ours; an unknown code is an error that lists the known ones."""
    mapped = values.map(mapping)
    bad = mapped.isna()
    if bad.any():
        label = bad.idxmax()
        known = ", ".join(sorted(mapping)[:12])
        raise DataError(
            f"unknown {what} {values[label]!r} (known: {known}{', ...' if len(mapping) > 12 else ''})",
            path=path,
            line=line_of(label),
            column=column,
        )
    return mapped.astype("str")


def source_locations(frame: pd.DataFrame, path: Path) -> pd.Series:
    """Where each row comes from: the file name and its line, as a reader would look it up."""
    return pd.Series([f"{path.name}, line {line_of(i)}" for i in frame.index], index=frame.index, dtype="str")


def finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Order, type and index a loader's output like every other loader's."""
    for col in LOADER_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA
    return coerce(frame[LOADER_COLUMNS].reset_index(drop=True))


def joined(parts: Iterable[pd.Series]) -> pd.Series:
    """Join non-empty text columns row by row with ' | ' (ILOSTAT's own separator)."""
    columns = [p.fillna("").astype("str").str.strip() for p in parts]
    texts = [" | ".join(t for t in row if t) for row in zip(*columns, strict=True)]
    return pd.Series(texts, index=columns[0].index, dtype="str").replace("", pd.NA)


@dataclass
class Loaded:
    """A loader's answer: the tidy rows plus what it read and what it left out, and why."""

    path: Path
    layout: str
    frame: pd.DataFrame
    rows_read: int
    skipped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, values: pd.Series) -> None:
        """Record rows left out on purpose (other countries, other series, empty values)."""
        if len(values):
            self.skipped[reason] = self.skipped.get(reason, 0) + len(values)
            seen = self.examples.setdefault(reason, [])
            for value in values.drop_duplicates().head(5):
                if value not in seen:
                    seen.append(str(value))

    def summary(self) -> str:
        """One line for the command line: kept N of M rows, and what was skipped."""
        parts = [f"{self.path.name} ({self.layout}): kept {len(self.frame)} of {self.rows_read} rows"]
        for reason, count in self.skipped.items():
            examples = ", ".join(self.examples.get(reason, [])[:5])
            parts.append(f"skipped {count} {reason}" + (f" (e.g. {examples})" if examples else ""))
        return "; ".join(parts)


def drop_duplicates(frame: pd.DataFrame, path: Path, loaded: Loaded) -> pd.DataFrame:
    """Refuse two different values for one cell; drop exact repeats of the same value."""
    key = KEY
    if not frame.duplicated(key).any():
        return frame
    distinct = frame.groupby(key, dropna=False)[C.coverage_pct].transform("nunique")
    if (distinct > 1).any():
        clash = frame[distinct > 1]
        first = clash.iloc[0]
        # compare as text so that a missing year (no reference year stated) equals another missing year
        as_text = clash[key].astype("string").fillna("<NA>")
        same = clash[(as_text == as_text.iloc[0]).all(axis=1)]
        values = ", ".join(f"{v:g} (line {line_of(i)})" for i, v in same[C.coverage_pct].items())
        raise DataError(
            f"conflicting values for {first[C.source_id]} {first[C.iso3]} {first[C.risk]} {first[C.sex]} {first[C.year]}: {values}",
            path=path,
            line=line_of(same.index[-1]),
        )
    repeat = frame.duplicated(key)
    loaded.skip("exact repeats of a row", frame.loc[repeat, C.iso3])
    return frame[~repeat]
