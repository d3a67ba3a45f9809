"""The longest translation of each chart's title still fits every frame: page, phone, embed, slide, image.

Every chart of the registry is drawn, at the first of render-all's views that has something
to show for it, in the language whose title, subtitle and source line are the longest and
in Burmese (the tallest script), for every frame, through ``render-all``'s own path: the
SVG each frame ships, measured in Chromium, the charts shared between processes (one per
core). No text outside the canvas, no two text boxes overlapping, the title larger than the
subtitle. A few harder views are drawn too (:data:`HARDER`), where words inside the chart
crowd each other when they are long.
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


#: (chart, view) beyond each chart's first view: words inside the plot that a long translation made collide.
HARDER = [
    ("risk-map", "women-and-men"),  # four mainland countries' "no data" on a phone's few dozen pixels
    ("risk-trend", "older-edition"),  # "none in UN SDG DB 2018-10" wider than a slide's panel in Burmese
]


def measure_charts(where: tuple[Path, Path], jobs: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[str]]:
    """The geometry problems of each (chart, view) of ``jobs`` (view None: the chart's first view with something to
    show) in its longest translations, every frame, drawn from the data at ``where[0]`` into ``where[1]`` (run in a
    process of its own: tests/parallel.py)."""
    root, out = where
    store = read_store(root)
    images.set_topojson_base(ASSETS_DIR / "topojson")
    views: dict[str, list[tuple[str, str | None]]] = {}
    for chart, view in jobs:
        drawn_at = view or next(name for name, state in VIEWS.items() if longest_languages(chart, store, state))
        views.setdefault(drawn_at, []).append((chart, view))
    found: dict[tuple[str, str | None], list[str]] = {job: [] for job in jobs}
    for view, drawn in views.items():
        charts = [chart for chart, _ in drawn]
        sheet = render_all(store, out / f"{view}-{charts[0]}", charts=charts, views={view: VIEWS[view]}, langs=[LONGEST], png=False)
        assert {(c, f) for _, _, c, f in sheet.drawn} == {(c, f) for c in charts for f in FRAMES}
        for problem in sheet.problems:
            found[next(job for job in drawn if job[0] in problem.split(":")[0].split("/"))].append(problem)
    return found


@pytest.fixture(scope="module")
def problems(built_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str | None], list[str]]:
    """Each chart's geometry problems, in its longest translations, every frame: at its first view and at HARDER's."""
    found: dict[tuple[str, str | None], list[str]] = {}
    jobs: list[tuple[str, str | None]] = [*((chart, None) for chart in load_all()), *HARDER]
    for part in in_processes(measure_charts, (built_root, tmp_path_factory.mktemp("longest")), jobs):
        found.update(part)
    return found


@pytest.mark.parametrize("chart", list(load_all()))
def test_the_longest_translation_fits_every_frame(problems: dict[tuple[str, str | None], list[str]], chart: str) -> None:
    assert problems[chart, None] == [], "\n".join(problems[chart, None])


@pytest.mark.parametrize(("chart", "view"), HARDER)
def test_the_longest_translation_fits_every_frame_in_harder_views(
    problems: dict[tuple[str, str | None], list[str]], chart: str, view: str
) -> None:
    assert problems[chart, view] == [], "\n".join(problems[chart, view])
