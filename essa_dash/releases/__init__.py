"""Data releases: every build of the tables, kept whole, named by its inputs, citable by id and version.

A release is one build of every table plus a ``datapackage.json`` (Frictionless Data
Package) saying what it holds: its id, version, build date, sources, licences, and
each file's bytes and sha256. Releases are immutable and kept side by side under
``data/releases/<id>/``; ``data/releases/CURRENT`` names the one the app serves.

* :mod:`essa_dash.releases.package`: the descriptor, and how a version is decided
  from the previous release and what changed (the rules in data/README.md);
* :mod:`essa_dash.releases.disk`: the layout on disk, the one writer lock, writing a
  release all or nothing, the current pointer, listing and pruning;
* :mod:`essa_dash.releases.changes`: what changed between two releases, as frames.

Reading a release's tables is :func:`essa_dash.store.read_store` (``release=<id>``).
"""
