#!/usr/bin/env python3
"""Checks a rendered report (test/report_browser.sh): the HTML document itself, its SVG charts,
the screenshot Chromium took of it and the PDF it printed. Prints one line per check,
"ok <name>" or "not ok <name>: <why>", and nothing else.
Usage: report_check.py REPORT.html SHOT.png DOC.pdf CONSOLE.log [must-contain ...]"""
import re
import sys
import zlib
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

html_file, png_file, pdf_file, log_file = sys.argv[1:5]
must = sys.argv[5:]
doc = open(html_file, encoding="utf-8").read()


def check(name, ok, why=""):
    print(("ok " if ok else "not ok ") + name + ("" if ok else ": " + why))


# --- the document: HTML5, self-contained, balanced
check("starts with the HTML5 doctype, html lang, meta charset, a title",
      doc.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and '<meta charset="utf-8">' in doc
      and re.search(r"<title>[^<]+</title>", doc) is not None, doc[:80])
check("no script", re.search(r"<script", doc, re.I) is None)
ext = re.findall(r"""(?i)(?:\ssrc\s*=|\shref\s*=|url\(|@import|<link|<img|<iframe|<object|<embed)""", doc)
check("no external resource (src, href, url(), @import, link, img, iframe, object, embed)", not ext, str(ext[:3]))
http = [m for m in re.findall(r"https?://[^\s\"'<>]+", doc) if m != "http://www.w3.org/2000/svg"]
check("no address other than the SVG namespace", not http, str(http[:3]))

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()


b = Balance()
b.feed(doc)
b.close()
check("every element is closed in order", not b.errors and not b.stack, str(b.errors[:3] + b.stack[:3]))

# --- the charts: well-formed SVG with a title and a desc, labels that fit
svgs = re.findall(r"<svg .*?</svg>", doc, re.S)
check("has charts", len(svgs) >= 1, "no <svg>")
bad, long_labels = [], []
NS = "{http://www.w3.org/2000/svg}"
for s in svgs:
    try:
        root = ET.fromstring(s)
    except ET.ParseError as e:
        bad.append(str(e))
        continue
    kids = list(root)
    if len(kids) < 2 or kids[0].tag != NS + "title" or kids[1].tag != NS + "desc" \
            or not (kids[0].text or "").strip("\u2068\u2069 ") or not (kids[1].text or "").strip("\u2068\u2069 "):
        bad.append("no title/desc first in " + s[:60])
    if "Source:" not in s:
        bad.append("no source line in " + s[:60])
    for t in root.iter(NS + "text"):
        if t.get("text-anchor") == "end" and len((t.text or "").strip("\u2068\u2069")) > 38:
            long_labels.append(t.text)
check("every chart is well-formed SVG with a title, a desc and a source line", not bad, "; ".join(bad[:2]))
check("no row label longer than the label column (38 characters)", not long_labels, str(long_labels[:2]))
sections = len(re.findall(r"<section>", doc))
for m in must:
    check("contains %r" % m, m in doc, "absent")

# --- the screenshot: not blank, the charts drawn (palette colours present)
def png_pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            bb = prev[i]
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + bb) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + bb) >> 1)) & 255
            elif f == 4:
                p = a + bb - c
                pa, pb, pc = abs(p - a), abs(p - bb), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else bb if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


try:
    w, h, bpp, rows = png_pixels(png_file)
    total = nonwhite = blue = orange = 0
    for r in rows:
        for i in range(0, len(r), bpp):
            px = r[i:i + 3]
            total += 1
            if px != b"\xff\xff\xff":
                nonwhite += 1
            if abs(px[0] - 0x00) < 8 and abs(px[1] - 0x72) < 8 and abs(px[2] - 0xB2) < 8:
                blue += 1
            elif abs(px[0] - 0xE6) < 8 and abs(px[1] - 0x9F) < 8 and abs(px[2] - 0x00) < 8:
                orange += 1
    check("the screenshot is not blank (%.1f%% of %dx%d pixels drawn)" % (100.0 * nonwhite / total, w, h), nonwhite > total * 0.03)
    check("the bar charts are drawn (%d pixels of the first series colour)" % blue, blue > 400)
    check("the two-series chart is drawn (%d pixels of the second series colour)" % orange, orange > 100)
except Exception as e:  # a PNG that cannot be read fails the checks that need it
    check("the screenshot can be read", False, repr(e))

# --- the PDF: one A4 page per section
pdf = open(pdf_file, "rb").read()
pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
import os
if os.environ.get("REPORT_PAGES") == "at-least":
    check("the PDF has at least one page per section (%d sections, %d pages)" % (sections, pages), pdf.startswith(b"%PDF") and pages >= sections,
          "%d pages" % pages)
else:
    check("the PDF has one page per section (%d sections, %d pages)" % (sections, pages), pdf.startswith(b"%PDF") and pages == sections,
          "%d pages" % pages)
a4 = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
check("its pages are A4", a4 is not None and abs(float(a4.group(1)) - 595.3) < 2 and abs(float(a4.group(2)) - 841.9) < 2,
      str(a4.group(0) if a4 else "no MediaBox"))

# --- the browser's console: nothing said
log = open(log_file, encoding="utf-8", errors="replace").read()
console = [l for l in log.splitlines() if "CONSOLE" in l or "Uncaught" in l or "Failed to load" in l]
check("no console message or failed load in the browser", not console, "; ".join(console[:2]))
