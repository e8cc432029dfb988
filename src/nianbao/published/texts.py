"""The title, the sections and the texts of a published report.

* **Title**: a line before 一 of the form ``<单位名称>[ ]YYYY年[度]政府信息公开工作[年度]报告``
  (or year first), possibly after ``标题：``, possibly broken after the name (a PDF's two-line
  title), else the page's ``<title>`` (a site name after ``_``/``-``/``|`` dropped), else one
  found inside the first paragraphs (a page's breadcrumb run into its text).
* **Sections**: ``一、…`` … ``六、…`` (or ``1、…`` at a line's start) whose heading is the
  section's heading or an alias — or close to one (at most a fifth of its characters edited,
  :data:`HEADING_SIMILARITY`; e.g. ``五、存在的主要问题及改进措施``), in increasing order, at a line's start or inside a line
  (text whose paragraphs ran together). Anything but the exact heading is a variant (info).
* **Sub-headings of 一** ``（一）…（五）`` split 一 into ``s1.*``; 六 is split into the
  信息处理费 statement and the other matters by what each paragraph speaks of.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..findings import code
from ..spec import Format, Section
from .labels import distance
from .lines import Line, norm

NO_TITLE = code("PUBLISHED_NO_TITLE", "warning", "未找到标题行（“××××年政府信息公开工作年度报告”），{what}未能从原文读出",
                "no title line found; {what_en} not read from the text",
                "用 --year / --org-name 指定。")
PREAMBLE = code("PUBLISHED_PREAMBLE", "info", "“一、总体情况”之前有{n}段文字，未读入任何部分：{text}",
                "{n} paragraphs before section 一 were not placed: {text}", "如属正文，请移入相应部分。")
NO_SUBHEADINGS = code("PUBLISHED_NO_SUBHEADINGS", "info", "一、总体情况中未找到（一）至（五）小标题，全文读入“总体情况”开头段落",
                      "section 一 has no sub-headings （一）…（五）; all of it was read as s1.intro",
                      "如需分项，请在原文中加上小标题。")
HEADING_VARIANT = code("PUBLISHED_HEADING_VARIANT", "info", "已将标题“{found}”读作“{heading}”",
                       "read the heading “{found}” as “{heading}”", "发布时请使用规范的标题。")
SIGNATURE = code("PUBLISHED_SIGNATURE", "info", "报告末尾的落款“{text}”未计入正文",
                 "the closing signature “{text}” was not read as text", "")
FEE_WORDS = re.compile(r"信息处理费|处理费|收取[^。，；]{0,8}费")
HEADING_SIMILARITY = 0.8

_REPORT = r"政府信息公开\s*(?:工作)?\s*(?:年度)?\s*报告"
_TITLE = re.compile(r"^(?:标题\s*[:：]\s*)?(?P<org>.*?)\s*(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:的)?\s*"
                    + _REPORT + r"\s*(?:[（(](?P<note>[^）)]*)[）)])?$")
_TITLE_YEAR_FIRST = re.compile(r"^(?:标题\s*[:：]\s*)?(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<org>\S.*?)\s*"
                               + _REPORT + r"\s*$")
_TITLE_INSIDE = re.compile(r"(?:^|[\s:：|_>】\]])(?P<org>[^\s，。：:；、|_<>《》“”]{2,40}?)\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*"
                           + _REPORT)
_SITE_SUFFIX = re.compile(r"\s*[_|｜–—-]\s*[^_|｜–—-]*$")
_NUMERALS = "一二三四五六七八九十"
_DATE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_MARK = re.compile(r"(?P<n>[一二三四五六七八九十])\s*[、.．,，]\s*")
_MARK_START = re.compile(r"^\s*(?P<n>[一二三四五六七八九十]|\d{1,2}|[１-９])\s*[、.．,，]\s*")
_SUB = re.compile(r"^[（(]\s*(?P<n>[一二三四五六七八九十])\s*[）)]\s*(?P<rest>.+)$")
_SUB_INSIDE = re.compile(r"[（(]\s*[一二三四五六七八九十]\s*[）)]")
_SUB_SUFFIX = re.compile(r"(方面|情况|工作|方面工作)?[:：。.]?$")


@dataclass
class Parsed:
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    sections: dict = field(default_factory=dict)  # number -> list[Line]
    findings: list = field(default_factory=list)


def _number(token: str) -> int:
    token = unicodedata.normalize("NFKC", token)
    return int(token) if token.isdigit() else _NUMERALS.index(token) + 1


def _loose(core: str) -> str:
    """A heading without its joining words: 复议、诉讼 = 复议和诉讼 = 复议及诉讼 = 复议诉讼."""
    return re.sub(r"[、,，和及与]", "", core)


def _cores(s: Section) -> list[str]:
    return [_loose(norm(h).split("、", 1)[-1]) for h in (s.heading,) + s.aliases]


@dataclass
class Heading:
    start: int  # where the number starts in the line
    end: int  # where the heading's text ends
    section: Section
    variant: bool


def _heading_at(fmt: Format, text: str, m: re.Match) -> Heading | None:
    """The section heading starting at a number mark: the prefix of the text after it that is
    closest (fewest edits, then nearest in length) to the section's heading or an alias."""
    n = _number(m["n"])
    if not 1 <= n <= len(fmt.sections):
        return None
    s = fmt.sections[n - 1]
    rest = text[m.end():]
    best = None
    for i, core in enumerate(_cores(s)):
        limit = max(1, round(len(core) * (1 - HEADING_SIMILARITY)))
        for end, loose in _prefixes(rest, len(core) + limit):
            d = distance(loose, core, limit)
            if d > limit:
                continue
            score = (d, abs(len(loose) - len(core)), -end, i)
            if best is None or score < best[0]:
                best = (score, end, i)
    if best is None:
        return None
    (d, _, _, _), end, i = best
    variant = d > 0 or i > 0 or m["n"] not in _NUMERALS
    return Heading(m.start(), m.end() + end, s, variant)


def _prefixes(rest: str, limit: int):
    """(end offset in ``rest``, loose normalised text) of each prefix of up to ``limit``
    non-space characters."""
    out, chars = [], ""
    for i, ch in enumerate(rest):
        if ch.isspace():
            continue
        chars += unicodedata.normalize("NFKC", ch)
        if len(chars) > limit:
            break
        out.append((i + 1, _loose(re.sub(r"[:：。.]$", "", chars))))
    return out


def headings_in(fmt: Format, text: str, after: int) -> list[Heading]:
    """Section headings in a line, in increasing order after section index ``after``."""
    found = []
    candidates = list(_MARK.finditer(text))
    start = _MARK_START.match(text)
    if start and not any(m.start() == start.start() for m in candidates):
        candidates.insert(0, start)
    for m in candidates:
        if found and m.start() < found[-1].end:
            continue
        h = _heading_at(fmt, text, m)
        if h and fmt.sections.index(h.section) > after:
            found.append(h)
            after = fmt.sections.index(h.section)
    return found


def split_sections(fmt: Format, lines: list[Line]) -> Parsed:
    out, current = Parsed(), -1
    for line in lines:
        pieces = _split_at_headings(fmt, line, current)
        for heading, piece in pieces:
            if heading is not None:
                current = fmt.sections.index(heading.section)
                out.sections[heading.section.number] = []
                if heading.variant:
                    out.findings.append(HEADING_VARIANT(found=line.text[heading.start:heading.end].strip(),
                                                        heading=heading.section.heading))
            if piece is None:
                continue
            if current < 0:
                out.preamble.append(piece.text)
            else:
                out.sections[fmt.sections[current].number].append(piece)
    return out


def _split_at_headings(fmt: Format, line: Line, current: int):
    """[(heading or None, the line's text after it as a Line or None)] for one line."""
    if line.cells is not None and len([c for c in line.cells if c.strip()]) > 1 or line.run is not None:
        return [(None, line)]
    text = line.text
    found = headings_in(fmt, text, current)
    if not found:
        return [(None, line)]
    out = []
    if text[:found[0].start].strip():
        out.append((None, _piece(line, text[:found[0].start], 0)))
    for h, nxt in zip(found, found[1:] + [None]):
        end = nxt.start if nxt else len(text)
        rest = text[h.end:end]
        out.append((h, _piece(line, rest, h.end) if rest.strip() else None))
    return out


def _piece(line: Line, text: str, offset: int) -> Line:
    lead = len(text) - len(text.lstrip())
    where = {**line.where, "offset": line.where.get("offset", 0) + offset + lead} if line.cells is None else line.where
    return Line(text.strip(), where=where)


# ---- the title -------------------------------------------------------------------------------

def title_match(text: str):
    text = text.strip()
    return _TITLE.match(text) or _TITLE_YEAR_FIRST.match(text)


def find_title(preamble: list[str], head_title: str) -> tuple[int | None, str, set[int]]:
    """(year, org name, indices of the preamble lines that are the title) from the lines
    before 一, else the page title, else a title inside the first paragraphs."""
    nameless = None  # "2022年政府信息公开工作年度报告" alone: the CMS's article title, the body's own may follow
    for i, text in enumerate(preamble):
        m = title_match(text)
        if not m or m["org"].strip() and not _name_like(m["org"]):
            continue
        org = m["org"].strip()
        if not org and i > 0 and _name_like(preamble[i - 1]):
            return int(m["year"]), preamble[i - 1].strip(), {i - 1, i}
        if not org:
            nameless = nameless or (int(m["year"]), "", {i})
            continue
        return int(m["year"]), org, {i}
    if nameless:
        return nameless
    if head_title:
        for candidate in (head_title, _SITE_SUFFIX.sub("", head_title)):
            m = title_match(candidate)
            if m:
                return int(m["year"]), m["org"].strip(), set()
    for text in preamble[:12]:
        m = _TITLE_INSIDE.search(text)
        if m:
            return int(m["year"]), m["org"].strip(), set()
    return None, "", set()


def _name_like(text: str) -> bool:
    t = text.strip()
    return 1 <= len(t) <= 40 and not re.search(r"[。，；：:,;\d]", t)


# ---- texts -----------------------------------------------------------------------------------

def _para(line: Line) -> str:
    return " ".join(line.text.split())


def _sub_heading(fields, after: int, text: str):
    """(field index, text after the heading) when the line is a sub-heading of 一."""
    m = _SUB.match(text.strip())
    if not m:
        return None
    head, _, tail = (re.split(r"([。:：])", m["rest"], maxsplit=1) + ["", ""])[:3]
    h = _SUB_SUFFIX.sub("", norm(head))
    for i, f in enumerate(fields):
        fm = _SUB.match(f.heading or "")
        if i <= after or not fm or fm["n"] != m["n"]:
            continue
        core = norm(fm["rest"])
        if h and (h in core or core in h) and len(h) <= len(core) + 6:
            return i, tail.strip()
    return None


def _split_sub_headings(fields, line: Line) -> list[Line]:
    """A paragraph holding several sub-headings of 一 (text run together) cut before each."""
    cuts = [m.start() for m in _SUB_INSIDE.finditer(line.text)
            if m.start() > 0 and _sub_heading(fields, -1, line.text[m.start():])]
    if not cuts:
        return [line]
    bounds = [0] + cuts + [len(line.text)]
    return [Line(line.text[a:b].strip(), where=line.where) for a, b in zip(bounds, bounds[1:])
            if line.text[a:b].strip()]


def section_one(fmt: Format, section: Section, lines: list[Line], findings: list) -> dict:
    fields = list(section.fields)
    texts: dict[str, list[str]] = {f.id: [] for f in fields}
    current, found = 0, False
    for line in (p for x in lines for p in _split_sub_headings(fields, x)):
        hit = _sub_heading(fields, current, line.text)
        if hit:
            current, found = hit[0], True
            if hit[1]:
                texts[fields[current].id].append(hit[1])
            continue
        texts[fields[current].id].append(_para(line))
    if lines and not found and len(fields) > 1:
        findings.append(NO_SUBHEADINGS())
    return {k: "\n".join(v) for k, v in texts.items()}


def section_six(section: Section, lines: list[Line]) -> dict:
    """Split 六 into the 信息处理费 statement and the other matters (by what each paragraph says)."""
    ids = [f.id for f in section.fields]
    fees, other = [], []
    for line in lines:
        (fees if FEE_WORDS.search(line.text) else other).append(_para(line))
    if len(ids) == 1:
        return {ids[0]: "\n".join(fees + other)}
    return {ids[0]: "\n".join(fees), ids[1]: "\n".join(other)}


def drop_signature(fmt: Format, parsed: Parsed, org_name: str, findings: list) -> None:
    """The body's name and the date closing the report are not part of the last section."""
    number = next((s.number for s in reversed(fmt.sections) if s.number in parsed.sections), None)
    lines = parsed.sections.get(number) or []
    dropped = []
    while lines and (_DATE.match(lines[-1].text) or org_name and norm(lines[-1].text) == norm(org_name)):
        dropped.insert(0, lines.pop().text)
    if dropped:
        findings.append(SIGNATURE(text=" ".join(dropped)))


def read_texts(fmt: Format, parsed: Parsed, findings: list) -> dict:
    from ..document import SUMMARY_TEXT_NOTE

    texts = {}
    for s in fmt.sections:
        lines = parsed.sections.get(s.number)
        if not s.fields or lines is None:
            continue
        lines = [x for x in lines if x.text != SUMMARY_TEXT_NOTE]  # a rendered summary's "no text here"
        if len(s.fields) > 1 and any(f.heading for f in s.fields):
            texts.update(section_one(fmt, s, lines, findings))
        elif len(s.fields) > 1:
            texts.update(section_six(s, lines))
        else:
            texts[s.fields[0].id] = "\n".join(_para(x) for x in lines)
    return texts
