"""A glyphless font for the invisible text layer: every character maps to one empty glyph.

The text layer is never drawn (rendering mode 3), so its font needs no
outlines; it only has to carry the characters (a ToUnicode map: code = Unicode
code point) and a fixed advance we stretch per word. Built with fontTools once
per process and embedded, so PDF/A validators find every font embedded.
"""

from __future__ import annotations

import io
from functools import lru_cache

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

#: advance of every glyph, in 1/1000 em
ADVANCE = 500


@lru_cache(maxsize=1)
def glyphless_ttf() -> bytes:
    """A tiny TrueType font: ``.notdef`` and one empty glyph, both ``ADVANCE`` wide."""
    fb = FontBuilder(unitsPerEm=1000, isTTF=True)
    names = [".notdef", "blank"]
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({n: empty for n in names})
    fb.setupHorizontalMetrics({n: (ADVANCE, 0) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "SohoaGlyphLess", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def _to_unicode_cmap() -> bytes:
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    body = []
    for i in range(0, len(ranges), 100):
        chunk = ranges[i:i + 100]
        body.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(body)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the glyphless Type 0 font (Identity-H, code = Unicode) to ``pdf``; returns its reference."""
    file2 = pikepdf.Stream(pdf, glyphless_ttf())
    file2["/Length1"] = len(glyphless_ttf())
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/SohoaGlyphLess"), Flags=5,
        FontBBox=[0, -200, ADVANCE, 800], ItalicAngle=0, Ascent=800, Descent=-200, CapHeight=700,
        StemV=80, FontFile2=file2,
    ))
    # every CID (= Unicode code point) draws glyph 1, the empty one
    gid_map = pikepdf.Stream(pdf, b"\x00\x01" * 65536)
    cid_font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name("/SohoaGlyphLess"),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=descriptor, DW=ADVANCE, CIDToGIDMap=gid_map,
    ))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/SohoaGlyphLess"),
        Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font],
        ToUnicode=pikepdf.Stream(pdf, _to_unicode_cmap()),
    ))
