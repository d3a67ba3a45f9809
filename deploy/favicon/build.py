"""Write assets/favicon.ico: the navigation bar's mark (a white bar on the accent blue), 16 and 32 px.

Usage: ``.venv/bin/python deploy/favicon/build.py`` (Pillow). Dash serves assets/favicon.ico in place
of its own (plotly's logo, 4.9 kB): every first visit downloads the icon, and /risk's is near its
650 kB (bench/RESULTS.md). Two colours, drawn with rectangles: the same bytes on every run.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (0x1D, 0x4E, 0x89)  # assets/style.css --accent
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parents[2] / "assets" / "favicon.ico"


def icon(size: int) -> Image.Image:
    """The mark at ``size`` px: an "E" of three white bars and a stem on the accent blue, in a two-colour palette."""
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    unit = size / 16
    left, right = round(4 * unit), round(12 * unit) - 1
    for top in (3, 7, 11):  # the three arms, 2 units thick
        draw.rectangle((left, round(top * unit), right, round((top + 2) * unit) - 1), fill=WHITE)
    draw.rectangle((left, round(3 * unit), round(6 * unit) - 1, round(13 * unit) - 1), fill=WHITE)  # the stem
    return image.convert("P", palette=Image.Palette.ADAPTIVE, colors=2)


def main() -> None:
    big = icon(32)
    big.save(OUT, format="ICO", sizes=[(16, 16), (32, 32)], append_images=[icon(16)])
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
