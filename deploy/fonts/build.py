"""Rebuild the web fonts in assets/fonts/ from Debian's fonts-noto-core (run by hand; the results are committed).

The dashboard serves its own fonts (no font server at run time). Only the four scripts
that devices may lack are served: Thai, Khmer, Lao and Burmese, each subset to its own
Unicode block (every shaping feature kept: these scripts need them), as woff2, regular
and bold. The stylesheet in assets/fonts.css uses them only where the page's language is
one of these (``html:lang(th)``...), so an English page never downloads them.

    .venv/bin/pip install fonttools && .venv/bin/python deploy/fonts/build.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset

NOTO = Path("/usr/share/fonts/truetype/noto")
OUT = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: Script -> (Noto family file stem, Unicode ranges), the ranges also written in fonts.css.
SCRIPTS = {
    "thai": ("NotoSansThai", "U+0E00-0E7F"),
    "khmer": ("NotoSansKhmer", "U+1780-17FF,U+19E0-19FF"),
    "lao": ("NotoSansLao", "U+0E80-0EFF"),
    "myanmar": ("NotoSansMyanmar", "U+1000-109F,U+A9E0-A9FF,U+AA60-AA7F"),
}
#: Shared marks the scripts use inside words (zero-width joiners, dotted circle for lone marks).
SHARED = "U+200B-200D,U+25CC"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, ranges in SCRIPTS.values():
        for weight in ("Regular", "Bold"):
            options = subset.Options()
            options.flavor = "woff2"
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.notdef_outline = True
            font = subset.load_font(str(NOTO / f"{stem}-{weight}.ttf"), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=subset.parse_unicodes(f"{ranges},{SHARED}"))
            subsetter.subset(font)
            target = OUT / f"{stem}-{weight}.woff2"
            subset.save_font(font, str(target), options)
            print(f"{target.name}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
