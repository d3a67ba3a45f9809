"""A release's ``datapackage.json``, and how its version is decided.

The descriptor follows the Frictionless Data Package v2 layout (``$schema``, ``name``,
``version``, ``created``, ``licenses``, ``sources``, ``resources`` with ``path``,
``bytes``, ``hash`` and a Table Schema), so any Frictionless tool can read it, plus two
properties of our own: ``release`` (the id, the build id and what changed since the
release it follows) and ``inputs`` (every file the build read, with its sha256).

The version is ``major.minor.patch``, decided by comparing the new build with the
current release (data/README.md, "Versions"), as the Frictionless data-package-version
pattern suggests:

* **major**: the table contract changed: a table or a column appeared, disappeared or
  changed type, so a reader's code may need to change;
* **minor**: a new upstream release: a source was added or removed (an ingested
  ILOSTAT or UN SDG download, a newly curated publication);
* **patch**: a correction: the same tables and sources, other inputs (a fixed
  reference entry, a loader fix, a corrected curated row).

Versions only go up: the next one is a bump of the highest version this data directory
ever issued (pruned releases included), so no two releases share a version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final, NamedTuple

import pandas as pd
import pyarrow as pa

PROFILE: Final = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME: Final = "essa-dash-coverage"
TITLE: Final = "ESSA Dash: social protection coverage (SDG 1.3.1) in the ASEAN Member States"
DESCRIPTION: Final = (
    "Every published figure of the share of people covered by social protection, by ASEAN Member State, "
    "aggregate, risk, sex, year and edition, as the ILO, the UN and the curated publications give it, each "
    "row with its source. Built by ESSA Dash from the raw files listed under 'inputs'."
)
KEYWORDS: Final = ("social protection", "SDG 1.3.1", "ASEAN", "ILOSTAT", "UN SDG Global Database")
MEDIA_TYPE: Final = "application/vnd.apache.parquet"

#: Licence ids (SPDX, also Open Definition ids) a source's licence statement may start with, and their texts.
KNOWN_LICENCES: Final = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
#: The Open Definition id for a statement that names no licence ("ILO terms of use", "not stated").
NOT_SPECIFIED: Final = "notspecified"

LEVELS: Final = ("major", "minor", "patch")
FIRST_LEVEL: Final = "first"


class Input(NamedTuple):
    """One file a build read: raw data, reference metadata or the loader code that turned them into tables."""

    kind: str  # "raw", "reference" or "code"
    path: str  # raw/<dataset folder>/<file>, reference/<file>, essa_dash/<module>
    sha256: str


class Version(NamedTuple):
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(text))
        if match is None:
            raise ValueError(f"not a major.minor.patch version: {text!r}")
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, level: str) -> Version:
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


FIRST_VERSION: Final = Version(1, 0, 0)


@dataclass(frozen=True)
class Change:
    """What sets a new release apart from the one it follows, and so which part of its version moves.

    ``contract`` lists ``{"resource", "field", "before", "after"}`` records (``field`` None for a
    whole table; ``before``/``after`` the Table Schema type, None where absent), the sources are
    source ids, ``inputs`` the paths of input files that appeared, disappeared or changed bytes.
    """

    level: str
    previous: str | None = None
    contract: tuple[dict[str, str | None], ...] = ()
    sources_added: tuple[str, ...] = ()
    sources_removed: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            level=str(data.get("level", FIRST_LEVEL)),
            previous=data.get("previous"),
            contract=tuple(data.get("contract", ())),
            sources_added=tuple(data.get("sources_added", ())),
            sources_removed=tuple(data.get("sources_removed", ())),
            inputs=tuple(data.get("inputs", ())),
        )


# --------------------------------------------------------------------------- contract


def field_type(arrow: pa.DataType) -> str:
    """The Table Schema type of an Arrow column (the contract is stated in Table Schema's words)."""
    if pa.types.is_boolean(arrow):
        return "boolean"
    if pa.types.is_integer(arrow):
        return "integer"
    if pa.types.is_floating(arrow) or pa.types.is_decimal(arrow):
        return "number"
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
        return "string"
    if pa.types.is_date(arrow):
        return "date"
    if pa.types.is_timestamp(arrow):
        return "datetime"
    return "any"


def table_schema(schema: pa.Schema) -> dict[str, Any]:
    return {"fields": [{"name": f.name, "type": field_type(f.type)} for f in schema if not f.name.startswith("__index")]}


def _contract(descriptor: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {
        resource["name"]: {f["name"]: f["type"] for f in resource.get("schema", {}).get("fields", [])}
        for resource in descriptor.get("resources", [])
    }


def contract_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """Tables and columns that appeared, disappeared or changed type between two descriptors."""
    old, new = _contract(before), _contract(after)
    changes: list[dict[str, str | None]] = []
    for name in [*old, *(n for n in new if n not in old)]:
        if name not in new or name not in old:
            changes.append(
                {"resource": name, "field": None, "before": "table" if name in old else None, "after": "table" if name in new else None}
            )
            continue
        fields = [*old[name], *(f for f in new[name] if f not in old[name])]
        changes += [
            {"resource": name, "field": f, "before": old[name].get(f), "after": new[name].get(f)}
            for f in fields
            if old[name].get(f) != new[name].get(f)
        ]
    return changes


# --------------------------------------------------------------------------- version


def _source_ids(descriptor: Mapping[str, Any]) -> set[str]:
    return {s["source_id"] for s in descriptor.get("sources", []) if "source_id" in s}


def _inputs(descriptor: Mapping[str, Any]) -> dict[str, str]:
    return {entry["path"]: entry["sha256"] for entry in descriptor.get("inputs", [])}


def decide_change(previous: Mapping[str, Any] | None, new: Mapping[str, Any]) -> Change:
    """Compare a new descriptor with the current release's: the level of change and its reasons."""
    if previous is None:
        return Change(FIRST_LEVEL)
    contract = tuple(contract_changes(previous, new))
    old_sources, new_sources = _source_ids(previous), _source_ids(new)
    old_inputs, new_inputs = _inputs(previous), _inputs(new)
    inputs = tuple(sorted(p for p in old_inputs.keys() | new_inputs.keys() if old_inputs.get(p) != new_inputs.get(p)))
    level = "major" if contract else "minor" if old_sources != new_sources else "patch"
    return Change(
        level=level,
        previous=previous.get("release", {}).get("id"),
        contract=contract,
        sources_added=tuple(sorted(new_sources - old_sources)),
        sources_removed=tuple(sorted(old_sources - new_sources)),
        inputs=inputs,
    )


def next_version(change: Change, issued: Iterable[Version]) -> Version:
    """The version for a release with ``change``: a bump of the highest version ever ``issued`` here."""
    highest = max(issued, default=None)
    if highest is None:
        return FIRST_VERSION
    # with nothing to compare against (no current release), say the most a reader must check
    return highest.bump("major" if change.level == FIRST_LEVEL else change.level)


# --------------------------------------------------------------------------- descriptor


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) or str(value) == "" else str(value)  # type: ignore[arg-type]


def sources(tables: Mapping[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The sources the release's rows cite (any table with a ``source_id`` column), as Frictionless sources."""
    cited: set[str] = set()
    for name, frame in tables.items():
        if name != "sources" and "source_id" in frame.columns:
            cited.update(frame["source_id"].dropna().astype(str))
    out = []
    for row in tables["sources"].itertuples(index=False):
        if row.source_id not in cited:
            continue
        entry = {"title": _text(row.title), "path": _text(row.url), "version": _text(row.edition), "source_id": row.source_id}
        entry |= {"publisher": _text(row.publisher), "licence": _text(row.licence), "citation": _text(row.citation)}
        out.append({key: value for key, value in entry.items() if value is not None})
    return out


def licences(cited: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One Frictionless licence per distinct licence statement of the sources, with the sources it covers.

    A statement that starts with a known licence id gets that id and its text's address;
    any other ("ILO terms of use", "not stated") is kept word for word as the title under the
    Open Definition id ``notspecified``: we never claim a licence the publisher did not state.
    """
    by_statement: dict[str, list[str]] = {}
    for source in cited:
        by_statement.setdefault(source.get("licence", "not stated"), []).append(source["source_id"])
    out = []
    for statement, ids in by_statement.items():
        known = next((name for name in KNOWN_LICENCES if re.match(rf"{re.escape(name)}\b", statement)), None)
        head = {"name": known, "path": KNOWN_LICENCES[known]} if known else {"name": NOT_SPECIFIED}
        out.append({**head, "title": statement, "sources": ids})
    return out


def resource(name: str, *, path: str, size: int, sha256: str, rows: int, schema: pa.Schema) -> dict[str, Any]:
    """One table of the release as a Frictionless data resource."""
    return {
        "name": name,
        "type": "table",
        "path": path,
        "format": "parquet",
        "mediatype": MEDIA_TYPE,
        "bytes": size,
        "hash": f"sha256:{sha256}",
        "rows": rows,
        "schema": table_schema(schema),
    }


def descriptor(
    *,
    release_id: str,
    build_id: str,
    created: str,
    resources: list[dict[str, Any]],
    tables: Mapping[str, pd.DataFrame],
    inputs: list[Input],
) -> dict[str, Any]:
    """The datapackage.json of a release, without its version (decided against the previous release)."""
    cited = sources(tables)
    return {
        "$schema": PROFILE,
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": None,
        "created": created,
        "keywords": list(KEYWORDS),
        "licenses": licences(cited),
        "sources": cited,
        "resources": resources,
        "release": {"id": release_id, "build_id": build_id},
        "inputs": [entry._asdict() for entry in inputs],
    }
