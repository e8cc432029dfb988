"""A PDF page as upright characters and rules, and what they make: words, lines, ruled tables.

pdfplumber (MIT) reads the page: its characters with their boxes and the edges of its lines and
rectangles. Everything after that is geometry of our own, because PDFs of reports come from
many writers:

* **Turned pages**: a page whose text runs down or up the page (a landscape page saved as a
  portrait one with ``/Rotate``, a table printed sideways) is turned so that its text reads
  left to right — the direction is the one most neighbouring characters follow.
* **Words by the page's own spacing**: a word ends where the gap to the next character is wider
  than the *letter spacing* of its line (the usual gap between two ideographs) by more than a
  quarter of the font size. A PDF whose writer spaces every character apart (letter-spaced or
  justified text: each character its own word for pdfplumber's fixed tolerance) reads the same
  as a tightly set one, and ``1 2 0 4 6`` of a letter-spaced ``12046`` stays one number.
* **Visual lines by baseline**: a character joins the line whose vertical middle it shares
  (digits in another font sit a little higher or lower than the ideographs around them).
* **Ruled tables** (pdfplumber's table finder, on the turned edges): besides the drawn lines, a
  vertical rule is added where at least three horizontal borders end at the same place — a
  browser's cell spacing draws each cell as its own box, so the table's last column has no long
  right border for the finder to see, and would be lost.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

CJK_FIRST, CJK_LAST = "\u3400", "\u9fff"


@dataclass
class Sheet:
    """An upright page: what pdfplumber's table finder needs (``edges``, ``bbox``) and its
    characters (dicts with ``text x0 x1 top bottom size``)."""

    number: int
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    turned: str = "right"  # the direction the page's text ran before turning
    bbox: tuple = field(init=False)

    def __post_init__(self):
        self.bbox = (0, 0, self.width, self.height)


# ---- turning -------------------------------------------------------------------------------

def _direction(chars: list[dict]) -> str:
    """Which way the text runs: the direction most pairs of neighbouring characters (in the
    order the PDF draws them) follow."""
    votes: Counter = Counter()
    for a, b in zip(chars, chars[1:]):
        dx, dy = b["x0"] - a["x0"], b["top"] - a["top"]
        reach = 2.5 * max(a.get("size") or 1.0, 1.0)
        if abs(dx) > reach or abs(dy) > reach or (dx == 0 and dy == 0):
            continue
        if abs(dx) >= abs(dy):
            votes["right" if dx > 0 else "left"] += 1
        else:
            votes["down" if dy > 0 else "up"] += 1
    return votes.most_common(1)[0][0] if votes else "right"


def _turn_box(box: tuple, way: str, w: float, h: float) -> tuple:
    x0, top, x1, bottom = box
    if way == "down":  # the page was turned a quarter clockwise: turn it back
        return top, w - x1, bottom, w - x0
    if way == "up":
        return h - bottom, x0, h - top, x1
    if way == "left":
        return w - x1, h - bottom, w - x0, h - top
    return box


def _turned(obj: dict, way: str, w: float, h: float) -> dict:
    x0, top, x1, bottom = _turn_box((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), way, w, h)
    out = {**obj, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top}
    if "orientation" in obj and way in ("down", "up"):
        out["orientation"] = "h" if obj["orientation"] == "v" else "v"
    return out


def _white(color) -> bool:
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color or not all(isinstance(c, (int, float)) for c in color):
        return False  # a pattern, or the default colour (black)
    return all(c <= 0.05 for c in color) if len(color) == 4 else all(c >= 0.95 for c in color)


def _seen(edge: dict) -> bool:
    """Whether a person sees the edge: a stroked rule, or the side of a filled box, in a colour
    other than white. Word draws each line of text in a frame as a white box: its sides are
    edges to the table finder, but nothing on the page."""
    if edge.get("stroke", edge.get("object_type") == "line") and not _white(edge.get("stroking_color")):
        return True
    return bool(edge.get("fill")) and not _white(edge.get("non_stroking_color"))


def framed(sheet: Sheet, table_box, row_box) -> bool:
    """Whether a rule a person sees runs down the table's left or right side beside the row."""
    height = row_box[3] - row_box[1]
    for side in (table_box[0], table_box[2]):
        drawn = sum(max(0.0, min(row_box[3], e["bottom"]) - max(row_box[1], e["top"]))
                    for e in sheet.edges if e["orientation"] == "v" and e.get("seen", True)
                    and abs(e["x0"] - side) <= 3)
        if drawn >= height / 2:
            return True
    return False


def sheet_of(page, number: int, text_of) -> Sheet:
    """The page upright; ``text_of`` maps a character's text (radicals to ideographs)."""
    chars = [{"text": text_of(c["text"]), "x0": float(c["x0"]), "x1": float(c["x1"]),
              "top": float(c["top"]), "bottom": float(c["bottom"]), "size": float(c.get("size") or 0) or
              float(c["bottom"] - c["top"]) or 1.0}
             for c in page.chars if c.get("text")]
    edges = [{"x0": float(e["x0"]), "x1": float(e["x1"]), "top": float(e["top"]), "bottom": float(e["bottom"]),
              "width": float(e["x1"] - e["x0"]), "height": float(e["bottom"] - e["top"]),
              "orientation": e["orientation"], "object_type": e.get("object_type", "line"), "seen": _seen(e)}
             for e in page.edges]
    w, h = float(page.width), float(page.height)
    way = _direction([c for c in chars if c["text"].strip()])
    if way != "right":
        chars = [_turned(c, way, w, h) for c in chars]
        edges = [_turned(e, way, w, h) for e in edges]
        if way in ("down", "up"):
            w, h = h, w
    return Sheet(number, w, h, chars, edges, way)


# ---- lines and words -----------------------------------------------------------------------

def _is_cjk(ch: str) -> bool:
    return CJK_FIRST <= ch <= CJK_LAST


def visual_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters in visual lines, top to bottom, each line left to right: a character joins the
    line whose vertical band holds its middle."""
    lines: list[list[dict]] = []
    bands: list[list[float]] = []  # [top, bottom] of each line
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if bands and bands[-1][0] <= mid <= bands[-1][1]:
            lines[-1].append(c)
            continue
        lines.append([c])
        bands.append([c["top"], c["bottom"]])
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def letter_spacing(lines: list[list[dict]]) -> float:
    """The page's usual gap between two ideographs of a line (0 for tightly set text)."""
    gaps = [b["x0"] - a["x1"] for line in lines for a, b in zip(line, line[1:])
            if _is_cjk(a["text"]) and _is_cjk(b["text"]) and -1 < b["x0"] - a["x1"] < a["size"]]
    return max(0.0, statistics.median(gaps)) if gaps else 0.0


def _line_spacing(line: list[dict], page: float) -> float:
    gaps = [b["x0"] - a["x1"] for a, b in zip(line, line[1:])
            if _is_cjk(a["text"]) and _is_cjk(b["text"]) and -1 < b["x0"] - a["x1"] < a["size"]]
    return max(0.0, statistics.median(gaps)) if len(gaps) >= 3 else page


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def words_of(line: list[dict], page_spacing: float) -> list[Word]:
    """A visual line's words: cut where a gap exceeds the line's letter spacing by more than a
    quarter of the font size, and at blank characters."""
    spacing = _line_spacing(line, page_spacing)
    words: list[Word] = []
    prev = None
    for c in line:
        if not c["text"].strip():
            prev = None
            continue
        if prev is not None and c["x0"] - prev["x1"] <= spacing + max(0.25 * c["size"], 1.0):
            w = words[-1]
            w.text += c["text"]
            w.x1, w.top, w.bottom = max(w.x1, c["x1"]), min(w.top, c["top"]), max(w.bottom, c["bottom"])
            w.size = max(w.size, c["size"])
        else:
            words.append(Word(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"]))
        prev = c
    return words


def joined(words: list[Word]) -> str:
    """Words as text: ideographs run on, any other two words one space apart."""
    out = ""
    for w in words:
        if out and not (_is_cjk(out[-1]) and _is_cjk(w.text[0])):
            out += " "
        out += w.text
    return out


# ---- ruled tables --------------------------------------------------------------------------

def _implicit_verticals(edges: list[dict]) -> list[dict]:
    """The outer side of a table whose cells are boxes apart from each other (a browser's cell
    spacing): a vertical rule between two horizontal borders that both end at the same x,
    where nothing is drawn right (left) of that x between them and no vertical rule is drawn
    there. Inside a table nothing is added: an x where borders end beside a merged cell is no
    column boundary."""
    horizontals = [e for e in edges if e["orientation"] == "h" and e["width"] > 3]
    verticals = [e for e in edges if e["orientation"] == "v"]
    out = []
    for side in ("x0", "x1"):
        ends: dict[int, list[dict]] = {}
        for e in horizontals:
            ends.setdefault(round(e[side]), []).append(e)
        for x, es in ends.items():
            es.sort(key=lambda e: e["top"])
            for a, b in zip(es, es[1:]):
                top, bottom = a["top"], b["bottom"]
                if bottom - top < 4 or any(
                        top - 1 <= h["top"] <= bottom + 1 and (h["x1"] > x + 2 if side == "x1" else h["x0"] < x - 2)
                        for h in horizontals):
                    continue
                drawn = sum(max(0.0, min(bottom, v["bottom"]) - max(top, v["top"]))
                            for v in verticals if abs(v["x0"] - x) <= 3)
                if drawn < (bottom - top) / 2:
                    out.append({"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0,
                                "height": bottom - top, "orientation": "v", "object_type": "line"})
    return out


def ruled_tables(sheet: Sheet) -> list:
    """pdfplumber's tables of the page from its drawn rules and the implicit ones."""
    from pdfplumber.table import TableFinder

    extra = _implicit_verticals(sheet.edges)
    if not extra and not any(e["orientation"] == "v" for e in sheet.edges):
        return []
    return TableFinder(sheet, {"explicit_vertical_lines": extra} if extra else {}).tables


def cell_text(chars: list[dict], spacing: float) -> str:
    """The text of a table cell: its lines of words, one space apart."""
    return " ".join(joined(words_of(line, spacing)) for line in visual_lines(chars))


def in_box(c: dict, box) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return x0 <= cx < x1 and top <= cy < bottom
