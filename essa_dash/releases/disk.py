"""Releases on disk: the layout, one writer at a time, a release written all or nothing, the current pointer, pruning.

The layout (data/README.md, "Releases")::

    data/.lock                           held by the one writer (build-data, ingest, releases --prune)
    data/releases/<id>/                  one release, never changed once written
        datapackage.json                 what it holds (see essa_dash.releases.package)
        coverage.parquet, sources.parquet, ...
    data/releases/CURRENT                the id of the release the app serves, and a newline
    data/releases/history.json           every release written here: id, version, build date, when pruned
    data/releases/.staging-<id>-<pid>/   a release being written: never read, removed by the next writer
    data/releases/.trash-<id>-<pid>/     a release being pruned: never read, removed by the next writer

A release is written with two commit points. It is staged in a hidden folder, every
file fsynced, then renamed to ``releases/<id>`` in one step: before the rename there is
no release of that id, after it a complete one. Then ``CURRENT`` is replaced in one step
(a file written beside it, fsynced, renamed over it): before that the app reads the
previous release, after it the new one. A writer killed at any moment therefore leaves
the previous release current and every kept release intact; what it left behind is
hidden and removed by the next writer (:func:`recover`). Readers never write, never take
the lock and never wait: they read ``CURRENT`` once, then one folder that no writer
changes, so they cannot see a mix of two builds.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from essa_dash.errors import DataError
from essa_dash.files import fsync_dir, write_atomic
from essa_dash.paths import releases_dir
from essa_dash.releases import package
from essa_dash.releases.package import Change, Input, Version

CURRENT: Final = "CURRENT"
HISTORY: Final = "history.json"
DESCRIPTOR: Final = "datapackage.json"
#: Schema-metadata key every table of a release carries: the build id of the inputs it was built from.
BUILD_ID_KEY: Final = b"essa_build_id"
#: A release id is the first 12 hex digits of the build id (48 bits: no collision in any data directory's life).
ID_LENGTH: Final = 12
ID_PATTERN: Final = re.compile(r"[0-9a-f]{12}")
STAGING: Final = ".staging-"
TRASH: Final = ".trash-"
#: What the layout before releases (tables straight in data/) left besides the tables themselves.
LEGACY: Final = (".commit.json", ".commit.json.tmp")
BUILD_HINT: Final = "run `essa-dash build-data` to build one from data/raw"


def release_id(build_id: str) -> str:
    """The short id of the release built from the inputs that ``build_id`` hashes."""
    return build_id[:ID_LENGTH]


def check_id(text: object) -> str:
    """``text`` if it is a release id, else a DataError (ids come from URLs: never a path, never a guess)."""
    if isinstance(text, str) and ID_PATTERN.fullmatch(text):
        return text
    shown = repr(text)[:40]
    raise DataError(f"{shown} is not a release id: 12 characters 0-9 and a-f, as `essa-dash releases` lists them")


@contextmanager
def lock(root: Path) -> Iterator[None]:
    """One writer at a time: a second build, ingest or prune fails at once instead of interleaving."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = (root / ".lock").open("w")
    except OSError as err:
        raise DataError(f"cannot write to the data directory ({err.strerror})", path=root) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError("another build or ingest is running on this data directory; try again when it ends") from None
        yield


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Release:
    """One kept release, as its datapackage.json describes it."""

    id: str
    version: str
    created: str  # RFC 3339, UTC: when it was built
    build_id: str
    path: Path
    descriptor: Mapping[str, Any] = field(repr=False, compare=False)
    size: int = field(repr=False, compare=False)  # bytes on disk: the tables and the descriptor

    @classmethod
    def read(cls, folder: Path) -> Release:
        path = folder / DESCRIPTOR
        try:
            data = path.read_bytes()
            doc = json.loads(data)
            release = cls(
                id=doc["release"]["id"],
                version=str(Version.parse(doc["version"])),
                created=str(doc["created"]),
                build_id=doc["release"]["build_id"],
                path=folder,
                descriptor=doc,
                size=len(data) + sum(int(r["bytes"]) for r in doc["resources"]),
            )
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
            raise DataError(f"unreadable release description ({type(err).__name__}): {BUILD_HINT}", path=path) from None
        if release.id != folder.name or release_id(release.build_id) != release.id:
            raise DataError(f"describes release {release.id}, not {folder.name}: the folder was renamed or copied over", path=path)
        return release

    def damage(self) -> list[str]:
        """What no longer matches the descriptor: files missing or with other bytes (empty when intact)."""
        problems = []
        for resource in self.resources.values():
            path = self.path / resource["path"]
            try:
                data = path.read_bytes()
            except OSError:
                problems.append(f"{resource['path']} is missing")
                continue
            if resource["hash"] != f"sha256:{hashlib.sha256(data).hexdigest()}":
                problems.append(f"{resource['path']} has other bytes")
        return problems

    @property
    def date(self) -> str:
        return self.created[:10]

    @property
    def change(self) -> Change:
        return Change.from_dict(self.descriptor["release"].get("change", {}))

    @property
    def resources(self) -> dict[str, Mapping[str, Any]]:
        return {r["name"]: r for r in self.descriptor.get("resources", [])}

    def rows(self, table: str = "coverage") -> int | None:
        found = self.resources.get(table)
        return None if found is None else int(found["rows"])

    @property
    def source_ids(self) -> list[str]:
        return [s["source_id"] for s in self.descriptor.get("sources", []) if "source_id" in s]


def current_id(root: Path) -> str | None:
    """The id ``CURRENT`` names, or None before the first release."""
    path = releases_dir(root) / CURRENT
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"unreadable ({type(err).__name__}): {BUILD_HINT}", path=path) from None
    if not ID_PATTERN.fullmatch(text):
        raise DataError(f"does not name a release: {BUILD_HINT}", path=path)
    return text


def history(root: Path) -> dict[str, dict[str, Any]]:
    """Every release written here, by id (empty when the file is missing or unreadable: it only adds detail)."""
    try:
        entries = json.loads((releases_dir(root) / HISTORY).read_text(encoding="utf-8"))["releases"]
        return {str(e["id"]): dict(e) for e in entries}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}


def pruned(root: Path) -> list[dict[str, Any]]:
    """The history entries of releases pruned from this data directory (and not built again since)."""
    home = releases_dir(root)
    return [entry for rid, entry in history(root).items() if entry.get("pruned") and not (home / rid / DESCRIPTOR).is_file()]


def open_release(root: Path, release: str | None = None) -> Release:
    """A kept release (None: the current one), or a DataError that says why there is none."""
    rid = current_id(root) if release is None else check_id(release)
    if rid is None:
        raise DataError(f"no data release in {releases_dir(root)} yet: {BUILD_HINT}")
    folder = releases_dir(root) / rid
    if (folder / DESCRIPTOR).is_file():
        return Release.read(folder)
    if release is None:
        raise DataError(f"the current release {rid} is missing from {releases_dir(root)}: {BUILD_HINT}")
    past = history(root).get(rid)
    if past and past.get("pruned"):
        raise DataError(
            f"release {rid} (version {past.get('version')}, built {str(past.get('created'))[:10]}) was pruned on "
            f"{str(past['pruned'])[:10]}: its figures are no longer kept here"
        )
    raise DataError(f"no release {rid} in this data directory (`essa-dash releases` lists the kept ones)")


def kept(root: Path) -> list[Release]:
    """Every kept release, newest first."""
    home = releases_dir(root)
    if not home.is_dir():
        return []
    found = [Release.read(p) for p in home.iterdir() if ID_PATTERN.fullmatch(p.name) and (p / DESCRIPTOR).is_file()]
    return sorted(found, key=lambda r: (r.created, Version.parse(r.version)), reverse=True)


def resolve(root: Path, ref: str) -> str:
    """The id a person means: ``current``, a version (``1.2.0``), an id or an unambiguous start of one (4+ digits)."""
    if ref == "current":
        rid = current_id(root)
        if rid is None:
            raise DataError(f"no data release yet: {BUILD_HINT}")
        return rid
    if ID_PATTERN.fullmatch(ref):
        return ref  # kept or not: opening it says which
    releases = kept(root)
    # versions of kept releases, then of pruned ones (opening one says it was pruned)
    versions = {**{e["version"]: rid for rid, e in history(root).items()}, **{r.version: r.id for r in releases}}
    if ref in versions:
        return versions[ref]
    starts = [r.id for r in releases if r.id.startswith(ref)] if re.fullmatch(r"[0-9a-f]{4,11}", ref) else []
    if len(starts) > 1:
        raise DataError(f"{ref!r} starts the ids of {len(starts)} releases ({', '.join(starts)}): give more of it")
    if starts:
        return starts[0]
    raise DataError(f"no release {ref!r} here: give an id, a version or 'current' (`essa-dash releases` lists them)")


# --------------------------------------------------------------------------- writing


class Published(NamedTuple):
    release: Release
    new: bool  # False: a release with the same inputs was kept and is current again


def _now(moment: dt.datetime | None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_table(folder: Path, name: str, frame: pd.DataFrame, build_id: str) -> dict[str, Any]:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), BUILD_ID_KEY: build_id.encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    data = buffer.getvalue()
    path = folder / f"{name}.parquet"
    _write_synced(path, data)
    return package.resource(
        name, path=path.name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), rows=table.num_rows, schema=table.schema
    )


def _write_history(root: Path, entries: Mapping[str, Mapping[str, Any]]) -> None:
    document = {"releases": list(entries.values())}
    write_atomic(releases_dir(root) / HISTORY, (json.dumps(document, indent=2) + "\n").encode())


def _previous(root: Path) -> Release | None:
    """The release a new one is compared with: the current one, else the newest kept, else none."""
    try:
        return open_release(root)
    except DataError:
        releases = kept(root)
        return releases[0] if releases else None


def _stage(root: Path, rid: str, tables: Mapping[str, pd.DataFrame], *, build_id: str, inputs: list[Input], created: str) -> Release:
    """Write the release in a hidden folder, decide its version, then rename it into place (commit point 1)."""
    home = releases_dir(root)
    staging = home / f"{STAGING}{rid}-{os.getpid()}"
    staging.mkdir()
    try:
        resources = [_write_table(staging, name, frame, build_id) for name, frame in tables.items()]
        doc = package.descriptor(release_id=rid, build_id=build_id, created=created, resources=resources, tables=tables, inputs=inputs)
        previous = _previous(root)
        change = package.decide_change(previous.descriptor if previous else None, doc)
        past = history(root)
        if rid in past:  # a pruned release built again from the same inputs gets its version back
            version = Version.parse(past[rid]["version"])
        else:
            issued = [Version.parse(e["version"]) for e in past.values()] + [Version.parse(r.version) for r in kept(root)]
            version = package.next_version(change, issued)
        doc["version"] = str(version)
        doc["release"]["change"] = change.as_dict()
        _write_synced(staging / DESCRIPTOR, (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        fsync_dir(staging)
        # the version is recorded before the release appears, so a crash can never issue it twice
        past[rid] = {"id": rid, "version": str(version), "created": created, "pruned": None}
        _write_history(root, past)
        staging.rename(home / rid)
        fsync_dir(home)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release.read(home / rid)


def _remove_legacy(root: Path, tables: Mapping[str, pd.DataFrame]) -> None:
    """Delete the tables an older ESSA Dash wrote straight into data/: nothing reads them, and they would go stale."""
    stale = [root / f"{name}.parquet" for name in tables] + [root / name for name in LEGACY] + list(root.glob(".*.parquet.new"))
    for path in stale:
        if path.exists():
            path.unlink()


def _intact(folder: Path, build_id: str) -> Release | None:
    """The kept release in ``folder`` if it is whole; a damaged one is moved aside (to be written again) and None returned.

    Damage (a file deleted or edited by hand, a disk error) is the one case where a release
    is replaced: the same inputs write the same tables again, so nothing a citation names changes.
    """
    if not folder.exists():
        return None
    try:
        release = Release.read(folder)
    except DataError:
        release = None
    if release is not None and release.build_id != build_id:
        raise DataError(f"release {release.id} was built from other inputs (build {release.build_id}); move it away by hand", path=folder)
    if release is not None and not release.damage():
        return release
    trash = folder.with_name(f"{TRASH}{folder.name}-{os.getpid()}")
    folder.rename(trash)
    fsync_dir(folder.parent)
    shutil.rmtree(trash)
    return None


def publish(
    root: Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    build_id: str,
    inputs: list[Input],
    now: dt.datetime | None = None,
) -> Published:
    """Keep ``tables`` as a release (unless one built from the same inputs is kept) and make it current.

    The caller holds :func:`lock`. Same inputs, same id: building twice makes no second
    release, it points ``CURRENT`` at the one there is (commit point 2). A kept release found
    damaged is written again from the tables.
    """
    home = releases_dir(root)
    rid = release_id(build_id)
    try:
        home.mkdir(parents=True, exist_ok=True)
        recover(root)
        folder = home / rid
        kept_one = _intact(folder, build_id)
        if kept_one is not None:
            release, new = kept_one, False
        else:
            release, new = _stage(root, rid, tables, build_id=build_id, inputs=inputs, created=_now(now)), True
        write_atomic(home / CURRENT, f"{rid}\n".encode("ascii"))
        _remove_legacy(root, tables)
    except OSError as err:
        raise DataError(
            f"could not write the release ({err.strerror or type(err).__name__}); the current release is unchanged", path=home
        ) from None
    return Published(release, new)


def recover(root: Path) -> None:
    """Remove what a killed writer left: a half-written or half-pruned release, a temporary pointer or history."""
    home = releases_dir(root)
    if not home.is_dir():
        return
    for path in home.iterdir():
        if path.name.startswith((STAGING, TRASH)):
            shutil.rmtree(path)
        elif path.name.startswith(".") and path.name.endswith(".tmp"):
            path.unlink()


def prune(
    root: Path,
    *,
    keep: int | None = None,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> list[Release]:
    """Remove old releases: those beyond the ``keep`` newest and built more than ``older_than`` ago.

    The current release is never removed. Each release goes in one step (renamed into a
    hidden trash folder, then deleted) and is then recorded as pruned in the history, so
    its id answers "pruned" rather than "unknown". Returns the releases removed (or, with
    ``dry_run``, those that would be).
    """
    if keep is None and older_than is None:
        raise DataError("say which releases to prune: --keep N (the N newest stay) and/or --older-than DAYS")
    if keep is not None and keep < 0:
        raise DataError(f"--keep must be 0 or more, not {keep}")
    moment = now or dt.datetime.now(dt.UTC)
    with lock(root):
        recover(root)
        current = current_id(root)
        doomed = [
            release
            for index, release in enumerate(kept(root))
            if release.id != current
            and (keep is None or index >= keep)
            and (older_than is None or dt.datetime.fromisoformat(release.created) < moment - older_than)
        ]
        if dry_run:
            return doomed
        home = releases_dir(root)
        past = history(root)
        try:
            for release in doomed:
                trash = home / f"{TRASH}{release.id}-{os.getpid()}"
                release.path.rename(trash)
                fsync_dir(home)
                past[release.id] = {"id": release.id, "version": release.version, "created": release.created, "pruned": _now(moment)}
                _write_history(root, past)
                shutil.rmtree(trash)
        except OSError as err:
            raise DataError(f"could not prune ({err.strerror or type(err).__name__})", path=home) from None
    return doomed
