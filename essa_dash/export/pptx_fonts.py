"""The complex-script font of a deck: Thai, Khmer, Lao and Burmese text in PowerPoint needs ``a:cs``.

PowerPoint picks a run's font by the kind of script it holds: Latin text uses ``a:latin``,
East Asian ``a:ea`` and complex scripts (Thai, Khmer, Lao, Burmese among them) ``a:cs``.
Setting only the Latin font, as python-pptx's ``font.name`` does, leaves a Khmer slide in
whatever the viewer's Office picks for complex scripts, often one without the glyphs.
Here every run, paragraph end and default run property of every slide and native chart
names the language's Noto family as its complex-script font (the family Debian's
``fonts-noto-core`` installs, and Office offers for download).
"""

from __future__ import annotations

from lxml import etree
from pptx import Presentation
from pptx.opc.package import XmlPart
from pptx.oxml.ns import qn

from essa_dash.text.fonts import script_font

#: Children of a run's properties that come after ``a:cs`` in the schema (CT_TextCharacterProperties).
_AFTER_CS = {qn("a:sym"), qn("a:hlinkClick"), qn("a:hlinkMouseOver"), qn("a:rtl"), qn("a:extLst")}
_PROPERTIES = (qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))


def _set_cs(properties: etree._Element, typeface: str) -> None:
    for old in properties.findall(qn("a:cs")):
        properties.remove(old)
    cs = etree.Element(qn("a:cs"), typeface=typeface)
    following = next((child for child in properties if child.tag in _AFTER_CS), None)
    if following is None:
        properties.append(cs)
    else:
        following.addprevious(cs)


def apply_script_fonts(deck: Presentation, lang: str | None = None) -> int:
    """Name the language's complex-script font on every text property of ``deck``; returns how many were set.

    A language written in Latin script (English, Indonesian, Vietnamese, Malay, Filipino) needs nothing: 0.
    """
    typeface = script_font(lang)
    if typeface is None:
        return 0
    count = 0
    for part in deck.part.package.iter_parts():
        if not isinstance(part, XmlPart):
            continue
        root = part._element
        for run in root.iter(qn("a:r")):
            if run.find(qn("a:rPr")) is None:
                run.insert(0, etree.Element(qn("a:rPr")))
        for tag in _PROPERTIES:
            for properties in root.iter(tag):
                _set_cs(properties, typeface)
                count += 1
    return count
