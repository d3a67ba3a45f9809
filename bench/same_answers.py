"""Do two versions of the code send the same figures? Save every reachable view's answer, then compare two saves.

Usage (from a checkout whose ``data/`` is built; run ``save`` before a change and after it, same day)::

    PYTHONPATH=. .venv/bin/python bench/same_answers.py save DIR [--every 1] [--selections]
    PYTHONPATH=. .venv/bin/python bench/same_answers.py compare BEFORE AFTER

``save`` draws, through a new app and Flask's test client, the pages router's answer (the JSON
Dash sends, figures and all) for every ``every``-th view of essa_dash.precompute.reachable_urls,
on a desktop and on a phone (viewport cookie); with ``--selections``, each /risk and /progress
view again with several countries chosen (bench._harness.SELECTIONS: the views precomputing leaves to be drawn
for their visitor or ahead of a click); and the JSON of every registered chart in
render-all's four views and five frames (page, phone, embed, slide, 4K image: the slide-sized
ones through slide_theme), as plotly.io and Dash serialise a figure. Each answer is kept in DIR
as its JSON with sorted keys (gzip) and the digests of its bytes as sent and as sorted.

``compare`` counts answers whose bytes are identical and those identical once their keys are
sorted (JSON objects have no order: plotly.js reads a property by name, but plotly's validators
write a property's parts in their own order), and prints the first differing place of the others.
A page cites the day it was accessed: save both sides on the same day (UTC).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from plotly.io.json import to_json_plotly

from bench._harness import with_selections
from essa_dash.app import create_app
from essa_dash.paths import DEFAULT_DATA_DIR
from essa_dash.precompute import PHONE_COOKIE, reachable_urls
from essa_dash.serving import router_payload
from essa_dash.store import read_store


def _entry(raw: bytes) -> tuple[dict[str, Any], bytes]:
    canonical = json.dumps(json.loads(raw), sort_keys=True, ensure_ascii=False).encode()
    digest = {"raw": hashlib.sha256(raw).hexdigest(), "sorted": hashlib.sha256(canonical).hexdigest(), "bytes": len(raw)}
    return digest, canonical


def _answers(every: int, selections: bool) -> Any:
    """(name, bytes) of every answer saved: the pages' callbacks, then the charts' figures."""
    store = read_store(DEFAULT_DATA_DIR)
    client = create_app(DEFAULT_DATA_DIR).server.test_client(use_cookies=False)
    urls = reachable_urls(store)[::every]
    for url in urls + (with_selections(urls) if selections else []):
        pathname, _, search = url.partition("?")
        for device, headers in (("desktop", {}), ("phone", {"Cookie": PHONE_COOKIE})):
            body = router_payload(pathname, f"?{search}" if search else "")
            response = client.post("/_dash-update-component", json=body, headers=headers)
            assert response.status_code == 200, (url, device, response.status_code)
            yield f"page {device} {url}", response.get_data()
    from essa_dash.export.render_all import FRAMES, VIEWS, laid_out
    from essa_dash.views import load_all

    for chart in load_all():
        for view, state in VIEWS.items():
            for frame_name, (frame, size) in FRAMES.items():
                drawn = laid_out(chart, store, state, frame, size)
                if drawn is not None:
                    yield f"figure {chart} {view} {frame_name}", to_json_plotly(drawn[0]).encode()


def save(folder: Path, every: int, selections: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    index: dict[str, dict[str, Any]] = {}
    started = time.monotonic()
    for number, (name, raw) in enumerate(_answers(every, selections)):
        digest, canonical = _entry(raw)
        digest["file"] = f"{number}.json.gz"
        (folder / digest["file"]).write_bytes(gzip.compress(canonical, compresslevel=3))
        index[name] = digest
    (folder / "index.json").write_text(json.dumps(index, indent=0))
    print(f"{len(index)} answers saved in {folder} ({time.monotonic() - started:.0f} s)")


def first_difference(a: Any, b: Any, where: str = "") -> str:
    """The path to the first place two JSON values differ, and what each side holds there."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{where}.{key}: {'missing' if key not in a else 'present'} before, {'missing' if key not in b else 'present'} after"
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{where}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {json.dumps(a)[:160]} before, {json.dumps(b)[:160]} after"


def compare(before: Path, after: Path) -> int:
    old, new = (json.loads((folder / "index.json").read_text()) for folder in (before, after))
    common = [name for name in old if name in new]
    raw = sum(old[name]["raw"] == new[name]["raw"] for name in common)
    same = [name for name in common if old[name]["sorted"] == new[name]["sorted"]]
    kinds = {kind: sum(name.startswith(kind) for name in common) for kind in ("page", "figure")}
    print(f"{len(common)} answers in both ({kinds['page']} page answers, {kinds['figure']} figures)")
    print(f"  only before {len(set(old) - set(new))}, only after {len(set(new) - set(old))}")
    print(f"  bytes identical: {raw}; identical with sorted keys: {len(same)}")
    sizes = [(old[name]["bytes"], new[name]["bytes"]) for name in common]
    print(f"  bytes before {sum(a for a, _ in sizes)}, after {sum(b for _, b in sizes)}")
    differing = [name for name in common if name not in same]
    for name in differing[:20]:
        a, b = (json.loads(gzip.decompress((folder / index[name]["file"]).read_bytes())) for folder, index in ((before, old), (after, new)))
        print(f"  differs: {name}: {first_difference(a, b)}")
    return 1 if differing or len(common) != len(old) else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    saving = commands.add_parser("save")
    saving.add_argument("folder", type=Path)
    saving.add_argument("--every", type=int, default=1, help="draw every N-th reachable view (default 1: all)")
    saving.add_argument("--selections", action="store_true", help="also each /risk and /progress view with several countries")
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "save":
        save(args.folder, args.every, args.selections)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
