"""``essa-dash deck``: a PowerPoint deck from a spec of dashboard links, without a server.

The spec is JSON or YAML: ``{"title": "ASEAN seminar", "views": ["/risk/old_age?country=VNM,IDN", "/"],
"native": false, "lang": "vi"}`` (``lang``: the language of every slide and note; default English).
Each view is a dashboard URL (a page, or ``/embed/<chart>``);
every chart it shows becomes a slide. Bad specs are refused with one clear line and
nothing is written; the file appears whole or not at all.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from pptx import Presentation

from essa_dash.errors import DataError
from essa_dash.export import images, slides
from essa_dash.figures.frames import SLIDE
from essa_dash.files import write_atomic
from essa_dash.paths import ASSETS_DIR
from essa_dash.query.state import Vocabulary
from essa_dash.store import read_store
from essa_dash.text import LANGUAGES, use_language
from essa_dash.text.formats import fmt_int, fmt_num
from essa_dash.text.translate import tr
from essa_dash.views import build, charts_for_url

MAX_VIEWS = 50
MAX_SPEC_BYTES = 1_000_000


def read_spec(path: Path) -> dict[str, Any]:
    """Parse and check a deck spec; any problem is a DataError naming the file."""
    if not path.is_file():
        raise DataError("file not found", path=path)
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise DataError("deck spec is larger than 1 MB", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        spec = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as err:
        raise DataError(f"not a readable JSON or YAML deck spec: {str(err).splitlines()[0]}", path=path) from None
    if not isinstance(spec, dict):
        raise DataError('a deck spec is an object: {"title": ..., "views": [...]}', path=path)
    unknown = set(spec) - {"title", "views", "native", "lang"}
    if unknown:
        raise DataError(f"unknown keys {sorted(unknown)}; allowed: title, views, native, lang", path=path)
    if spec.get("lang", "en") not in LANGUAGES:
        raise DataError(f"unknown 'lang' {spec['lang']!r}; allowed: {', '.join(LANGUAGES)}", path=path)
    views = spec.get("views")
    if not isinstance(views, list) or not views or not all(isinstance(v, str) for v in views):
        raise DataError("'views' must be a non-empty list of dashboard links", path=path)
    if len(views) > MAX_VIEWS:
        raise DataError(f"more than {MAX_VIEWS} views", path=path)
    if not isinstance(spec.get("title", ""), str) or not isinstance(spec.get("native", False), bool):
        raise DataError("'title' must be text and 'native' true or false", path=path)
    if (char := slides.unwritable(spec.get("title", ""))) is not None:
        raise DataError(f"'title' holds {char}, a character a slide cannot hold", path=path)
    return spec


def write(spec: dict[str, Any], root: Path, out: Path, *, native: bool, progress: slides.Progress | None = None) -> str:
    """Build the deck of ``spec`` from the data in ``root`` into ``out``, in the spec's ``lang``; a one-paragraph report."""
    with use_language(spec.get("lang")):
        return _write(spec, root, out, native=native, progress=progress)


def _write(spec: dict[str, Any], root: Path, out: Path, *, native: bool, progress: slides.Progress | None = None) -> str:
    """Build the deck of ``spec`` from the data in ``root`` into ``out``; a one-paragraph report.

    ``progress`` is called after each chart slide (the command line prints it: a deck of
    many charts takes tens of seconds, a picture being a render of a second or so).
    """
    if out.resolve().is_relative_to(root.resolve()):
        raise DataError(f"will not write {out.name} inside the data directory {root}: choose another --out")
    started = time.perf_counter()
    images.set_topojson_base(ASSETS_DIR / "topojson")  # maps render offline from the vendored shapes
    store = read_store(root)
    vocabulary = Vocabulary.from_store(store)
    drawn = []
    for view in spec["views"]:
        charts, problems = charts_for_url(view, vocabulary)
        if problems:
            raise DataError(f"view {view!r}: {'; '.join(p.message for p in problems)}")
        drawn += [b for chart, state in charts if (b := build(chart, store, state, SLIDE)) is not None]
    if not drawn:
        raise DataError("these views show no charts")
    try:
        data = slides.build_deck(drawn, title=spec.get("title") or "ESSA Dash", store=store, native=native, progress=progress)
    except images.RenderError as err:
        raise DataError(f"a chart could not be rendered: {err}") from None
    write_atomic(out, data)
    slides_written = len(Presentation(io.BytesIO(data)).slides)  # a chart too long for one slide takes several
    return tr(
        "wrote {out} ({n} slides: the cover, {charts} charts and About the data; {mb} MB) in {s} s",
        out=out,
        n=fmt_int(slides_written),
        charts=fmt_int(len(drawn)),
        mb=fmt_num(len(data) / 1e6),
        s=fmt_num(time.perf_counter() - started),
    )


def print_progress(done: int, total: int, title: str) -> None:
    """One line per slide on stderr, so the report on stdout stays one line."""
    print(tr("slide {done}/{total}: {title}", done=fmt_int(done), total=fmt_int(total), title=title), file=sys.stderr, flush=True)
