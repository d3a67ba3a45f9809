"""The longest translation of each chart's title still fits every frame: page, phone, embed, slide, image.

Every chart of the registry is drawn, at the first of render-all's views that has something
to show for it, in the language whose title, subtitle and source line are the longest and
in Burmese (the tallest script), for every frame, through ``render-all``'s own path: the
SVG each frame ships, measured in Chromium, the charts shared between processes (one per
core). No text outside the canvas, no two text boxes overlapping, the title larger than the
subtitle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from essa_dash.export import images
from essa_dash.export.render_all import FRAMES, LONGEST, VIEWS, longest_languages, render_all
from essa_dash.paths import ASSETS_DIR
from essa_dash.store import read_store
from essa_dash.views import load_all
from tests.parallel import in_processes

pytestmark = pytest.mark.skipif(not images.CHROMIUM.is_file(), reason="needs Debian's chromium")


def measure_charts(where: tuple[Path, Path], charts: list[str]) -> dict[str, list[str]]:
    """Each of ``charts``' geometry problems in its longest translations, every frame, drawn from the data at
    ``where[0]`` into ``where[1]`` (run in a process of its own: tests/parallel.py)."""
    root, out = where
    store = read_store(root)
    images.set_topojson_base(ASSETS_DIR / "topojson")
    views: dict[str, list[str]] = {}
    for chart in charts:
        view = next(name for name, state in VIEWS.items() if longest_languages(chart, store, state))
        views.setdefault(view, []).append(chart)
    found: dict[str, list[str]] = {chart: [] for chart in charts}
    for view, drawn in views.items():
        sheet = render_all(store, out / f"{view}-{drawn[0]}", charts=drawn, views={view: VIEWS[view]}, langs=[LONGEST], png=False)
        assert {(c, f) for _, _, c, f in sheet.drawn} == {(c, f) for c in drawn for f in FRAMES}
        for problem in sheet.problems:
            found[next(c for c in drawn if c in problem.split(":")[0].split("/"))].append(problem)
    return found


@pytest.fixture(scope="module")
def problems(built_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each chart's geometry problems, in its longest translations, every frame."""
    found: dict[str, list[str]] = {}
    for part in in_processes(measure_charts, (built_root, tmp_path_factory.mktemp("longest")), list(load_all())):
        found.update(part)
    return found


@pytest.mark.parametrize("chart", list(load_all()))
def test_the_longest_translation_fits_every_frame(problems: dict[str, list[str]], chart: str) -> None:
    assert problems[chart] == [], "\n".join(problems[chart])
