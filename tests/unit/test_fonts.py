"""The served fonts cover every character their languages' catalogs and names use, and charts ask for them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from PIL import Image

from essa_dash.export import images
from essa_dash.figures._theme import FONT_FAMILY
from essa_dash.paths import ASSETS_DIR, PACKAGE_DIR
from essa_dash.text import LANGUAGES, use_language
from essa_dash.text.catalog import catalog
from essa_dash.text.fonts import SCRIPT_FONTS, font_stack, script_font

CSS = (ASSETS_DIR / "fonts.css").read_text()
SERVED = {lang.code: lang for lang in LANGUAGES.values() if lang.script in SCRIPT_FONTS}


def _texts(code: str) -> str:
    path = PACKAGE_DIR / "locale" / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    strings = [m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog if m.id]
    return LANGUAGES[code].name + " " + " ".join(strings)


def _font_files(family: str) -> list[Path]:
    return [ASSETS_DIR / "fonts" / m for m in re.findall(rf'font-family: "ESSA {family}"; src: url\("fonts/([^"]+)"\)', CSS)]


def test_every_script_font_is_declared_regular_and_bold_and_used_only_for_its_language() -> None:
    assert set(SERVED) == {"th", "km", "lo", "my"}
    for code, language in SERVED.items():
        family = SCRIPT_FONTS[language.script]
        files = _font_files(family)
        assert len(files) == 2 and all(f.is_file() and f.stat().st_size < 70_000 for f in files), files
        assert f'html:lang({code}) {{ --font: "ESSA {family}"' in CSS
    # nothing outside a language rule asks for a served font
    assert not re.search(r"^(?!html:lang|@font-face).*ESSA", CSS, re.M)


@pytest.mark.parametrize("code", ["th", "km", "lo", "my"])
def test_the_served_font_has_a_glyph_for_every_character_of_its_language(code: str) -> None:
    family = SCRIPT_FONTS[LANGUAGES[code].script]
    covered: set[int] = set()
    for path in _font_files(family):
        covered |= set(TTFont(path).getBestCmap())
    block = {"th": (0x0E00, 0x0E7F), "km": (0x1780, 0x17FF), "lo": (0x0E80, 0x0EFF), "my": (0x1000, 0x109F)}[code]
    used = {ord(c) for c in _texts(code) if block[0] <= ord(c) <= block[1]}
    assert used, f"{code}: no text in its script (the language's own name at least)"
    assert used <= covered, f"{code}: no glyph for {sorted(hex(c) for c in used - covered)}"


def test_charts_ask_for_the_script_font_of_their_language() -> None:
    with use_language("km"):
        assert script_font() == "Noto Sans Khmer"
        assert font_stack(FONT_FAMILY).startswith("ESSA Noto Sans Khmer, Noto Sans Khmer, Noto Sans")
    with use_language("vi"):
        assert font_stack(FONT_FAMILY) == FONT_FAMILY


def test_burmese_is_unicode_not_zawgyi() -> None:
    """Zawgyi, the older Burmese encoding, stores the vowel sign E (U+1031) before its consonant and uses
    U+105A-U+1097 for visual forms; Unicode text never starts a syllable with U+1031."""
    text = _texts("my")
    assert "မြန်မာ" in text
    assert not re.search(r"(^|[^\u1000-\u109f])\u1031", text), "a vowel sign E before its consonant: Zawgyi"
    assert not re.search(r"[\u1060-\u1097]", text), "Zawgyi's visual-form code points"


# --- what an image or slide draws: real glyphs, never the missing-glyph box ----------------------------------

#: A chart title every language translates (the interface words were translated first).
TITLE = "Languages and translations"


def _title_png(text: str, code: str) -> np.ndarray:
    """``text`` as the title of an empty chart, drawn by the image renderer (kaleido's Chromium, the system's fonts)."""
    layout = {
        "title": {"text": text, "x": 0.02, "font": {"family": font_stack(FONT_FAMILY, code), "size": 40}},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "margin": {"t": 100, "b": 0, "l": 0, "r": 0},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
    }
    png = images.render(go.Figure(layout=layout), fmt="png", width=1000, height=200)
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    """How differently two drawings are inked: the summed pixel difference over the larger one's ink (0: the same)."""
    return float(np.abs(a - b).sum() / max((255 - a).sum(), (255 - b).sum(), 1))


@pytest.mark.skipif(not images.CHROMIUM.is_file(), reason=f"no Chromium at {images.CHROMIUM}")
@pytest.mark.parametrize("code", ["th", "km", "lo", "my"])
def test_an_image_draws_the_script_with_real_glyphs_not_missing_glyph_boxes(code: str) -> None:
    """A missing font draws each character as the same .notdef box, which is what private-use characters draw
    (no font has them): the real title must look nothing like a row of them, while two rows of boxes look the same."""
    text = catalog(code).singular[TITLE]
    block = {"th": "\u0e00-\u0e7f", "km": "\u1780-\u17ff", "lo": "\u0e80-\u0eff", "my": "\u1000-\u109f"}[code]
    assert re.search(f"[{block}]", text), f"{code}: {TITLE!r} is not translated into its script"
    boxes, other_boxes = (_title_png(c * len(text), code) for c in ("\ue000", "\ue001"))
    assert _difference(boxes, other_boxes) < 0.05  # the check itself: missing glyphs cannot be told apart
    assert _difference(_title_png(text, code), boxes) > 0.5, f"{code}: the title drew like missing-glyph boxes"
