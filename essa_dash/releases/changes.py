"""What changed between two releases, as frames: rows added, revised, removed and re-flagged, by source and edition.

Rows are matched on the table key (source, area, risk, sex, year): each source, and so
each edition, is its own series, so a changed value here is a *revision* of that same
published cell between two builds of the data (a corrected file, a re-ingested
download), never a change over time and never a comparison of two editions. A row
can be revised and re-flagged at once; it then appears in both frames.

Frames, not sentences: the words are :mod:`essa_dash.text.releases`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from essa_dash.releases.disk import Release
from essa_dash.schema import FLAGS, KEY, flag_codes
from essa_dash.schema import Coverage as C
from essa_dash.store import Store

#: Columns every frame of :class:`Changes` starts with: the cell, and the names a reader needs.
CELL: Final = [*KEY, C.edition, C.country]
BEFORE: Final = "coverage_before"
AFTER: Final = "coverage_after"
DIFFERENCE: Final = "difference"  # after - before, in percentage points
FLAGS_BEFORE: Final = "flags_before"
FLAGS_AFTER: Final = "flags_after"
GAINED: Final = "flags_gained"
LOST: Final = "flags_lost"
KINDS: Final = ("added", "revised", "removed", "reflagged")


def _flags(frame: pd.DataFrame) -> pd.Series:
    """Each row's flags as one canonical string: ``obs_flags`` plus ``withdrawn`` where the row is withdrawn."""
    withdrawn = frame[C.withdrawn].fillna(False).astype(bool)

    def canonical(cell: object, gone: bool) -> str:
        codes = set(flag_codes(cell)) | ({"withdrawn"} if gone else set())
        return ";".join(code for code in FLAGS if code in codes)

    return pd.Series([canonical(c, g) for c, g in zip(frame[C.obs_flags], withdrawn, strict=True)], index=frame.index, dtype="str")


def _codes(cells: pd.Series) -> list[set[str]]:
    return [set(flag_codes(cell)) for cell in cells]


@dataclass(frozen=True)
class Changes:
    """The rows that differ between release ``before`` and release ``after``, one frame per kind of change."""

    before: Release
    after: Release
    added: pd.DataFrame  # CELL + coverage_pct + obs_flags, as in ``after``
    revised: pd.DataFrame  # CELL + coverage_before, coverage_after, difference
    removed: pd.DataFrame  # CELL + coverage_pct + obs_flags, as in ``before``
    reflagged: pd.DataFrame  # CELL + coverage_pct (after) + flags_before, flags_after, flags_gained, flags_lost

    @property
    def empty(self) -> bool:
        return all(getattr(self, kind).empty for kind in KINDS)

    def by_source(self) -> pd.DataFrame:
        """Counts per (source, edition) and kind of change, and ``status``: "new" or "gone" for a source, else ""."""
        long = pd.concat([getattr(self, kind)[[C.source_id, C.edition]].assign(kind=kind) for kind in KINDS], ignore_index=True)
        columns = [C.source_id, C.edition, *KINDS, "status"]
        if long.empty:
            return pd.DataFrame({col: pd.Series(dtype="int64" if col in KINDS else "str") for col in columns})
        table = pd.crosstab([long[C.source_id], long[C.edition]], long["kind"]).reindex(columns=list(KINDS), fill_value=0)
        table = table.rename_axis(columns=None).reset_index()
        old, new = set(self.before.source_ids), set(self.after.source_ids)
        status = {**dict.fromkeys(new - old, "new"), **dict.fromkeys(old - new, "gone")}
        return table.assign(status=table[C.source_id].map(status).fillna("").astype("str"))[columns]


def compare(before: Store, after: Store) -> Changes:
    """The differences between two releases' coverage tables, matched on the key."""
    old = before.coverage.assign(_flags=_flags)
    new = after.coverage.assign(_flags=_flags)
    merged = old[[*KEY, C.edition, C.country, C.coverage_pct, C.obs_flags, "_flags"]].merge(
        new[[*KEY, C.edition, C.country, C.coverage_pct, C.obs_flags, "_flags"]],
        on=KEY,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    merged = merged.sort_values(KEY, na_position="first", kind="stable").reset_index(drop=True)

    def side(rows: pd.DataFrame, suffix: str) -> pd.DataFrame:
        names = {f"{col}{suffix}": col for col in (C.edition, C.country, C.coverage_pct, C.obs_flags)}
        return rows[[*KEY, *names]].rename(columns=names)[[*CELL, C.coverage_pct, C.obs_flags]].reset_index(drop=True)

    both = merged[merged["_merge"] == "both"]
    named = {f"{C.edition}_new": C.edition, f"{C.country}_new": C.country}
    values = both[both[f"{C.coverage_pct}_old"] != both[f"{C.coverage_pct}_new"]].rename(columns=named)
    revised = values[CELL].assign(
        **{
            BEFORE: values[f"{C.coverage_pct}_old"],
            AFTER: values[f"{C.coverage_pct}_new"],
            DIFFERENCE: values[f"{C.coverage_pct}_new"] - values[f"{C.coverage_pct}_old"],
        }
    )
    flagged = both[both["_flags_old"] != both["_flags_new"]].rename(columns=named)
    old_codes, new_codes = _codes(flagged["_flags_old"]), _codes(flagged["_flags_new"])
    reflagged = flagged[CELL].assign(
        **{
            C.coverage_pct: flagged[f"{C.coverage_pct}_new"],
            FLAGS_BEFORE: flagged["_flags_old"],
            FLAGS_AFTER: flagged["_flags_new"],
            GAINED: [";".join(c for c in FLAGS if c in n - o) for o, n in zip(old_codes, new_codes, strict=True)],
            LOST: [";".join(c for c in FLAGS if c in o - n) for o, n in zip(old_codes, new_codes, strict=True)],
        }
    )
    return Changes(
        before=before.release,
        after=after.release,
        added=side(merged[merged["_merge"] == "right_only"], "_new"),
        revised=revised.reset_index(drop=True),
        removed=side(merged[merged["_merge"] == "left_only"], "_old"),
        reflagged=reflagged.reset_index(drop=True),
    )


#: Comparisons kept in memory: a pinned page compares its release with the latest one on every draw.
_COMPARED: OrderedDict[tuple[str, str], Changes] = OrderedDict()
_COMPARED_MAX = 8
_compared_lock = threading.Lock()


def view_changes(before: Store, after: Store, *, country: Sequence[str] = (), risk: Sequence[str] = ()) -> dict[str, int]:
    """How many rows of each kind changed between two releases, among the given countries and risks (all when empty).

    A pinned view's banner says this in a line; the comparison of two releases is made
    once and kept, since every draw of a pinned page asks the same question.
    """
    key = (before.build_id, after.build_id)
    with _compared_lock:
        changes = _COMPARED.get(key)
    if changes is None:
        changes = compare(before, after)
        with _compared_lock:
            _COMPARED[key] = changes
            while len(_COMPARED) > _COMPARED_MAX:
                _COMPARED.popitem(last=False)
    counts = {}
    for kind in KINDS:
        rows = getattr(changes, kind)
        if country:
            rows = rows[rows[C.iso3].isin(country)]
        if risk:
            rows = rows[rows[C.risk].isin(risk)]
        counts[kind] = len(rows)
    return counts
