"""Restyle a dashboard figure for a 16:9 slide: type readable from the back of a room.

Dashboard figures (see :func:`essa_dash.figures._theme.frame`) are sized for a
browser column: 13 px type, 12 px side margins, an 11 px source footnote. Projected
on a wall, that type is illegible. :func:`slide_theme` returns a copy whose type is
scaled to the output size (base ~ height/40 px, title larger), with wider margins
and the title, subtitle and source footnote re-wrapped so all three stay inside
the image however long the definitions and citations are: an exported slide must
still say where its numbers come from.

Text width is estimated from the fonts' advance widths (:func:`essa_dash.text.fonts.text_px`:
there is no layout engine without a browser), slightly on the wide side: overestimating
wraps a line a little early, underestimating would let it run off the slide.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from essa_dash.figures._theme import SOURCE_NOTE
from essa_dash.figures.spec import unvalidated
from essa_dash.text.fonts import taller_than_latin, text_px
from essa_dash.text.wrap import break_points

#: Plotly's line pitch for multi-line text, in em of the text element's font.
LINE_EM = 1.3
#: Ascent and descent of a line, in em: the parts of the first and last lines outside the pitch.
ASCENT_EM = 0.8
DESCENT_EM = 0.3
#: At most this many footnote lines; a longer source is shortened with an ellipsis.
SOURCE_MAX_LINES = 4
#: Category tick labels wrap to at most this many lines, then shrink (not below MIN_TICK of the base size).
TICK_MAX_LINES = 2
MIN_TICK = 0.7
#: Width of a legend item's symbol and the gap to its text (plotly's ``itemwidth``), in px.
LEGEND_SYMBOL_PX = 40
#: The dashboard's base font size when the figure does not say.
DEFAULT_BASE = 13

_FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")
_TAG = re.compile(r"<[^>]+>")
_WRAPPED = re.compile(r"^(<(\w+)([^>]*)>)(.*)(</\2>)$", re.S)
#: Trace types drawn on x/y axes (the others: maps, pies, 3-D... have no tick labels to make room for).
_CARTESIAN = {
    "scatter", "scattergl", "bar", "histogram", "box", "violin", "heatmap", "contour", "histogram2d",
    "histogram2dcontour", "waterfall", "funnel", "ohlc", "candlestick", "image",
}  # fmt: skip
_SCALED_KEYS = {("size", "font"), ("size", "marker"), ("width", "line"), ("thickness", "colorbar"), ("tracegroupgap", "legend")}


@dataclass(frozen=True)
class _Sizes:
    """Every size on the slide, derived from its pixel size."""

    width: int
    height: int

    @property
    def base(self) -> float:
        return max(10.0, self.height / 40)

    @property
    def title(self) -> int:
        return round(self.base * 1.35)

    @property
    def source(self) -> int:
        return round(max(9.0, self.height / 54))

    @property
    def side(self) -> int:
        return round(self.width / 32)

    @property
    def pad(self) -> int:
        return round(self.height / 60)


def slide_theme(fig: go.Figure, *, width: int, height: int, footer: str | None = None) -> go.Figure:
    """A copy of ``fig`` laid out for a ``width`` x ``height`` px slide; ``fig`` is untouched.

    ``footer`` is a last line under the source (the data release an image was drawn
    from): wrapped like the source but never shortened, so it survives a long citation.

    Every font size (layout, traces, annotations, inline ``font-size:Npx`` styles)
    is multiplied by one factor so the chart keeps its proportions; marker sizes,
    line widths and cell gaps follow so marks do not look thin beside the larger
    type. Margins are computed from the wrapped title and footnote instead of the
    dashboard's fixed pixels. ``width``/``height`` are the layout size: render at
    that size (or a multiple of it with ``scale``, see :mod:`essa_dash.export.images`).
    """
    if width < 100 or height < 100:
        raise ValueError(f"slide must be at least 100x100 px, got {width}x{height}")
    size = _Sizes(width, height)
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    base = size.base
    factor = base / float(layout.get("font", {}).get("size") or DEFAULT_BASE)

    template = layout.pop("template", None)  # its defaults are not the figure's own sizes
    spec["data"] = [_scale(trace, factor) for trace in spec.get("data", [])]
    _scale(layout, factor)
    if template is not None:
        layout["template"] = template
    layout["font"] = {**layout.get("font", {}), "size": round(base)}
    layout["width"] = width
    layout["height"] = height

    _add_default_axes(spec)
    standoff = round(base * 0.4) if any(True for _ in _axes(layout, "y")) else 0
    for _, axis in _axes(layout, "y"):
        axis.setdefault("ticklabelstandoff", standoff)  # labels clear of the first bar or cell
    if any(t.get("type") == "bar" and t.get("text") is not None for t in spec.get("data", [])):
        # plotly shrinks bar labels to the bar's thickness; on a slide keep them legible
        layout.setdefault("uniformtext", {"mode": "show", "minsize": round(base * MIN_TICK)})
    left = size.side + standoff + _y_label_width(spec, base)
    plot_width = width - left - size.side - _colorbar_width(spec, base, factor)
    tick_lines = _fit_category_ticks(spec, plot_width, base)

    title = layout.get("title")
    title = dict(title) if isinstance(title, dict) else {"text": title or ""}
    text, title_px = _wrap_title(title.get("text") or "", width - 2 * size.side, size.title)
    # plotly puts the first BASELINE of a multi-line title at pad.t, but the TOP of a
    # one-line title: leave room for the ascent only in the first case
    # (and, in a script whose marks stack higher than Latin's, Burmese, room for what reaches above Latin's ascent)
    ascent = round(ASCENT_EM * _first_size(text, size.title)) if "<br>" in text else 0
    rise, fall = taller_than_latin()
    ascent += round(rise * size.title)
    layout["title"] = {
        **title,
        "text": text,
        "font": {**title.get("font", {}), "size": size.title},
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 1,
        "yanchor": "top",
        "yref": "container",
        "pad": {"l": size.side, "t": size.pad + ascent, "r": 0, "b": 0},
    }
    top = size.pad + title_px + round(rise * size.title + fall * base) + round(base * 0.6) if text else size.pad
    top += _place_container_legend(spec, top, size)
    top += _top_reserve(layout, base, tick_lines, _legend_rows(spec, width - 2 * size.side, base))

    source_px = _restyle_source(layout, width - left - size.side, size.source, footer)
    ticks_px = _bottom_reserve(layout, base, tick_lines)
    notes_px = _restyle_notes_below(layout, width - left - size.side, ticks_px)
    bottom = size.pad + source_px + (round(base * 0.8) if source_px else 0) + ticks_px + notes_px
    for note in _source_notes(layout):
        note["yshift"] = size.pad - bottom  # from the plot's bottom edge down to ``pad`` above the image's edge

    layout["margin"] = {"t": top, "b": bottom, "l": left, "r": size.side, "pad": 0, "autoexpand": True}
    return unvalidated(spec)


def _scale(node: Any, factor: float, key: str = "") -> Any:
    """Scale every size that sets how big text or a mark looks, in place; return the node.

    Keys are matched by role rather than listed per trace type, so a chart type
    added later is covered: ``*font.size``, ``marker.size``, ``*line.width``, colour
    bar thickness, heatmap cell gaps, a figure's own tick label standoff, and inline ``font-size:Npx`` in any text.
    """
    if isinstance(node, dict):
        for k, v in node.items():
            role = "font" if key.endswith("font") else "line" if key.endswith("line") else key
            scaled = (k, role) in _SCALED_KEYS or k in ("xgap", "ygap")
            if k == "ticklabelstandoff" and isinstance(v, numbers.Real):
                node[k] = round(v * factor)  # whole pixels only
            else:
                node[k] = _times(v, factor) if scaled else _scale(v, factor, k)
        return node
    if isinstance(node, list | tuple) or (hasattr(node, "tolist") and getattr(node, "dtype", None) is not None and node.dtype.kind == "O"):
        return [_scale(v, factor, key) for v in _as_list(node)]
    if isinstance(node, str) and "font-size" in node:
        return _FONT_SIZE.sub(lambda m: f"font-size:{round(float(m.group(1)) * factor)}px", node)
    return node


def _times(value: Any, factor: float) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real):
        return round(float(value) * factor, 1)
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return [_times(v, factor) for v in _as_list(value)]
    return value


def _as_list(value: Any) -> list[Any]:
    """Lists, tuples and numpy arrays (pandas columns end up as these) as a plain list."""
    if value is None:
        return []
    if hasattr(value, "tolist"):
        value = value.tolist()
    return list(value) if isinstance(value, list | tuple) else [value]


def _flatten(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list | tuple):
            yield from _flatten(list(value))
        else:
            yield value


def _wrap_plain(
    text: str, width_px: float, size: float, *, bold: bool = False, max_lines: int | None = None, break_words: bool = False
) -> list[str]:
    """Wrap plain text to ``width_px`` at ``size`` px; past ``max_lines`` it ends in an ellipsis.

    Lines end between words (:func:`essa_dash.text.wrap.break_points`: at spaces, and at
    dictionary word boundaries in Thai, Khmer, Lao and Burmese, which write no spaces).
    Words are kept whole unless ``break_words`` (the footnote, where a long URL must
    not run off the slide). Lines are balanced: two lines of a title come out about
    equally long rather than a full line and a lone word.
    """

    def fits(line: str, width: float) -> bool:
        return text_px(line, size, bold=bold) <= width

    words = break_points(" ".join(text.split())) if text.strip() else []
    if break_words:
        words = [piece for word in words for piece in _split_word(word, lambda part: fits(part, width_px))]
    lines = _greedy(words, lambda line: fits(line, width_px))
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        last = break_points(lines[max_lines - 1])
        while len(last) > 1 and not fits(f"{''.join(last).rstrip()} …", width_px):
            last.pop()
        return [*kept, f"{''.join(last).rstrip()} …"]
    if len(lines) > 1:
        low, high = 1, math.ceil(width_px)
        while low < high:  # the narrowest width that needs no more lines
            mid = (low + high) // 2
            low, high = (low, mid) if len(_greedy(words, lambda line, w=mid: fits(line, w))) <= len(lines) else (mid + 1, high)
        lines = _greedy(words, lambda line: fits(line, high))
    return lines or [""]


def wrap_text(text: str, width_px: float, size_px: float, *, bold: bool = False) -> list[str]:
    """``text`` wrapped to ``width_px`` at ``size_px`` px in Noto Sans: the lines a text box will need.

    The deck builder sizes its title, subtitle and source boxes with it, so a long
    title pushes the chart down instead of running under it.
    """
    return _wrap_plain(text, width_px, size_px, bold=bold)


def _greedy(words: list[str], fits: Callable[[str], bool]) -> list[str]:
    """Fill each line with as many words (each with its trailing space) as fit; a word too long for any line gets a
    line to itself."""
    lines: list[str] = []
    for word in words:
        if lines and fits((lines[-1] + word).rstrip()):
            lines[-1] += word
        else:
            lines.append(word)
    return [line.rstrip() for line in lines]


def _split_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """A word too long for a line cut into pieces that fit (a URL in a footnote); its trailing space stays on the last."""
    pieces = [""]
    for ch in word.rstrip():
        if pieces[-1] and not fits(pieces[-1] + ch):
            pieces.append("")
        pieces[-1] += ch
    pieces[-1] += word[len(word.rstrip()) :]
    return pieces


def _wrap_title(text: str, width_px: float, title_size: float) -> tuple[str, int]:
    """Re-wrap each ``<br>`` segment of a title; return the text and its height in px.

    A segment wholly inside one tag (``<b>title</b>``, ``<span style=...>subtitle</span>``)
    keeps the tag on every wrapped line, so its style survives the new breaks.
    Plotly spaces every line of a title by 1.3 em of the TITLE font, whatever the
    line's own size, so the height is (lines - 1) pitches plus ascent and descent.
    """
    if not text:
        return "", 0
    out: list[str] = []
    last_size = title_size
    for segment in _unbreak_inside_tags(text).split("<br>"):
        match = _WRAPPED.match(segment)
        if match and not _TAG.search(match.group(4)):
            opening, tag, attrs, inner, closing = match.groups()
        else:
            opening, tag, attrs, inner, closing = "", "", "", _TAG.sub("", segment), ""
        sized = _FONT_SIZE.search(attrs)
        last_size = float(sized.group(1)) if sized else title_size
        bold = tag == "b" or not sized
        out.extend(f"{opening}{line}{closing}" for line in _wrap_plain(inner, width_px, last_size, bold=bold))
    first = _first_size("<br>".join(out), title_size)
    height = (len(out) - 1) * LINE_EM * title_size + ASCENT_EM * first + DESCENT_EM * last_size
    return "<br>".join(out), math.ceil(height)


def _unbreak_inside_tags(text: str) -> str:
    """``<b>A<br>B</b>`` -> ``<b>A B</b>``: breaks a figure put inside a styled part (for the page's width) are undone.

    Otherwise the part is cut into segments no longer wholly inside their tag, and
    the title loses its weight and the subtitle its size once re-wrapped.
    """
    out, depth = [], 0
    for piece in re.split(r"(<[^>]+>)", text):
        if piece == "<br>":
            out.append(" " if depth else piece)
        elif piece.startswith("</"):
            depth = max(0, depth - 1)
            out.append(piece)
        elif piece.startswith("<") and not piece.endswith("/>"):
            depth += 1
            out.append(piece)
        else:
            out.append(piece)
    return "".join(out)


def _first_size(text: str, title_size: float) -> float:
    sized = _FONT_SIZE.search(text.split("<br>")[0])
    return float(sized.group(1)) if sized else title_size


def _source_notes(layout: dict[str, Any]) -> list[dict[str, Any]]:
    """The footnote(s) :func:`essa_dash.figures._theme.frame` adds, found by name: their first word is translated."""
    return [note for note in layout.get("annotations", []) if note.get("name") == SOURCE_NOTE]


def _restyle_source(layout: dict[str, Any], width_px: float, size: int, footer: str | None = None) -> int:
    """Re-wrap the footnote to the slide's width at ``size`` px, ``footer`` under it; return its height in px."""
    height = 0
    for note in _source_notes(layout):
        lines = _wrap_plain(_TAG.sub(" ", note["text"].replace("<br>", " ")), width_px, size, max_lines=SOURCE_MAX_LINES, break_words=True)
        if footer:
            lines += _wrap_plain(footer, width_px, size, break_words=True)
        note.update(
            text="<br>".join(lines),
            font={**note.get("font", {}), "size": size},
            x=0,
            xref="paper",
            xanchor="left",
            y=0,
            yref="paper",
            yanchor="bottom",
            align="left",
            showarrow=False,
        )
        height = max(height, math.ceil(len(lines) * size * LINE_EM))
    return height


def _restyle_notes_below(layout: dict[str, Any], width_px: float, ticks_px: int) -> int:
    """Notes a figure hangs under its plot (the change bars name the cells not drawn): re-wrapped, placed under
    the tick labels, and counted in the bottom margin so the source goes below them; their height in px."""
    height = 0
    for note in layout.get("annotations", []):
        below = note.get("yref") == "paper" and note.get("y") == 0 and note.get("yanchor") == "top"
        if not below or note.get("name") == SOURCE_NOTE:
            continue
        font = float(note.get("font", {}).get("size") or DEFAULT_BASE)
        lines = _wrap_plain(_TAG.sub(" ", str(note["text"]).replace("<br>", " ")), width_px, font, break_words=True)
        note.update(text="<br>".join(lines), yshift=-(ticks_px + height), x=0, xref="paper", xanchor="left", align="left")
        height += math.ceil(len(lines) * font * LINE_EM + font * 0.5)
    return height


def _axes(layout: dict[str, Any], letter: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Visible axes of one direction, as named in the layout (see :func:`_add_default_axes`)."""
    for name, axis in layout.items():
        if re.fullmatch(f"{letter}axis\\d*", name) and isinstance(axis, dict) and axis.get("visible", True) is not False:
            yield name, axis


def _add_default_axes(spec: dict[str, Any]) -> None:
    """Name the default x and y axes of a cartesian chart, so their labels get room; maps have none."""
    if any(trace.get("type", "scatter") in _CARTESIAN for trace in spec.get("data", [])):
        spec["layout"].setdefault("xaxis", {})
        spec["layout"].setdefault("yaxis", {})


def _axis_block(axis: dict[str, Any], base: float, lines: int) -> int:
    """Room for one axis's tick labels (and title, if it has one)."""
    tick = axis.get("tickfont", {}).get("size") or base
    px = lines * tick * LINE_EM + 8
    title = axis.get("title")
    if isinstance(title, dict) and title.get("text"):
        # every line of the title, and what a taller script's line box (Burmese) reaches beyond Latin's
        rise, fall = taller_than_latin()
        px += base * (LINE_EM * (str(title["text"]).count("<br>") + 1) + rise + fall) + 10
    return math.ceil(px)


def _legend_rows(spec: dict[str, Any], width: float, base: float) -> int:
    """Rows a horizontal legend takes at slide size: its items (marker, gap, name) laid out across ``width``."""
    names = [
        str(t["name"])
        for t in spec.get("data", [])
        if t.get("name") and t.get("showlegend", t.get("type") not in ("heatmap", "choropleth")) is not False
    ]
    rows, used = 1, 0.0
    for name in names:
        item = text_px(name, base) + 3.5 * base
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _place_container_legend(spec: dict[str, Any], top: int, size: _Sizes) -> int:
    """A horizontal legend pinned to the figure's frame (``yref="container"``): moved under the title; its height.

    Figures pin their legend at a fixed pixel offset from the top for the page's type;
    scaled for a slide, the title grows past it and the two overprint (the trend, the
    progress dumbbells). Placed under the wrapped title, with room for as many rows
    as its items need, then the panels' own titles (subplots) below it.
    """
    layout = spec["layout"]
    legend = layout.get("legend", {})
    if layout.get("showlegend") is False or legend.get("orientation") != "h" or legend.get("yref") != "container":
        return 0
    font = float(legend.get("font", {}).get("size") or size.base)
    names = [str(t.get("name")) for t in spec.get("data", []) if t.get("name") and t.get("showlegend", True) is not False]
    widths = [text_px(name, font) + LEGEND_SYMBOL_PX + font for name in dict.fromkeys(names)]
    rows, used = 1, 0.0
    for item in widths:
        if used and used + item > size.width - 2 * size.side:
            rows, used = rows + 1, 0.0
        used += item
    legend.update(x=size.side / size.width, xanchor="left", xref="container", y=1 - top / size.height, yanchor="top", yref="container")
    layout["legend"] = legend
    panels = sum(1 for name in layout if re.fullmatch(r"xaxis\d+", name)) > 0  # subplot titles sit above the top panels
    return math.ceil(rows * font * LINE_EM * 1.2 + size.base * (0.6 + (LINE_EM if panels else 0)))


def _top_reserve(layout: dict[str, Any], base: float, tick_lines: dict[str, int], legend_rows: int = 1) -> int:
    """Room between the title and the plot: top-side tick labels, or a legend above the plot."""
    px = 0
    for name, axis in _axes(layout, "x"):
        if axis.get("side") == "top" and axis.get("showticklabels", True):
            px = max(px, _axis_block(axis, base, tick_lines.get(name, _ticktext_lines(axis))))
    legend = layout.get("legend", {})
    if layout.get("showlegend", True) and legend.get("orientation") == "h" and legend.get("y", 0) >= 1:
        # its rows of items (and the gaps between legend groups), plus the legend's own padding and offset
        px += math.ceil(base * (1.0 + 1.3 * legend_rows) + float(legend.get("tracegroupgap") or 0) * legend_rows)
    return px


def _bottom_reserve(layout: dict[str, Any], base: float, tick_lines: dict[str, int]) -> int:
    px = 0
    for name, axis in _axes(layout, "x"):
        if axis.get("side", "bottom") == "bottom" and axis.get("showticklabels", True):
            px = max(px, _axis_block(axis, base, tick_lines.get(name, _ticktext_lines(axis))))
    return px


def _ticktext_lines(axis: dict[str, Any]) -> int:
    """Lines of the axis's longest tick label where the figure wrote them itself (the heatmap's wrapped risk names)."""
    return max((str(t).count("<br>") + 1 for t in _as_list(axis.get("ticktext"))), default=1)


def _categories(spec: dict[str, Any], letter: str, axis_name: str) -> list[str]:
    """String values plotted on one axis, in first-seen order (what a category axis shows)."""
    ref = letter + axis_name[len(letter) + 4 :]  # "xaxis2" -> "x2", "xaxis" -> "x"
    seen: dict[str, None] = {}
    for trace in spec.get("data", []):
        if trace.get(f"{letter}axis", letter) != ref:
            continue
        for value in _flatten(_as_list(trace.get(letter))):
            if isinstance(value, str):
                seen.setdefault(value)
    return list(seen)


def _fit_category_ticks(spec: dict[str, Any], plot_width: float, base: float) -> dict[str, int]:
    """Wrap (then, if need be, shrink) x category labels that would overlap; return lines per axis.

    Horizontal labels at slide size easily run into each other ("Unemployment"
    beside "Work injury"); wrapping them onto two lines keeps the big type.
    """
    lines_per_axis: dict[str, int] = {}
    layout = spec["layout"]
    for name, axis in list(_axes(layout, "x")):
        labels = _categories(spec, "x", name)
        if not labels or axis.get("tickvals") is not None or axis.get("tickangle") not in (0, None):
            continue
        slot = plot_width / len(labels) * 0.95
        size = float(axis.get("tickfont", {}).get("size") or base)
        if all(text_px(label, size) <= slot for label in labels):
            continue
        wrapped = [_wrap_plain(label, slot, size, max_lines=TICK_MAX_LINES) for label in labels]
        widest = max(text_px(line, size) for lines in wrapped for line in lines)
        truncated = any(lines[-1].endswith("…") for lines in wrapped)
        if widest > slot or truncated:  # a single long word: shrink the type rather than break it
            size = max(base * MIN_TICK, size * slot / max(widest, 1))
            wrapped = [_wrap_plain(label, slot, size, max_lines=TICK_MAX_LINES) for label in labels]
        axis.update(tickvals=labels, ticktext=["<br>".join(lines) for lines in wrapped], tickangle=0)
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": round(size, 1)}
        lines_per_axis[name] = max(len(lines) for lines in wrapped)
    return lines_per_axis


def _colorbar_width(spec: dict[str, Any], base: float, factor: float) -> int:
    """Room a colour bar takes right of the plot (bar, tick labels such as "100%", title)."""
    for trace in spec.get("data", []):
        shows = trace.get("showscale", "colorscale" in trace or "coloraxis" in trace)
        if shows and trace.get("type") in ("heatmap", "contour", "histogram2d", "histogram2dcontour", "choropleth"):
            thickness = float(trace.get("colorbar", {}).get("thickness") or 30 * factor)
            return math.ceil(thickness + text_px(" 100%", base) + base * LINE_EM + 30)
    return 0


def _y_label_width(spec: dict[str, Any], base: float) -> int:
    """Estimated width of the widest y tick label, so the footnote can line up with the plot.

    The footnote is anchored to the plot's left edge (paper x=0); a left margin
    that already fits the labels makes that edge known before plotly's automargin.
    """
    labels: list[str] = []
    suffix = ""
    for name, axis in _axes(spec["layout"], "y"):
        labels.extend(_categories(spec, "y", name))
        labels.extend(str(t) for t in axis.get("ticktext", []) or [])
        suffix = max(suffix, str(axis.get("ticksuffix", "")), key=len)
    if not labels:
        return round(base * 3) if any(True for _ in _axes(spec["layout"], "y")) else 0  # numbers such as "100%", or no axis
    return math.ceil(max(text_px(label + suffix, base) for label in labels) + base)
