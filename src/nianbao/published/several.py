"""A file holding more than one report: where the second one starts.

Pages and files are sometimes put together (two reports saved into one text file, a CMS page
listing two years' reports, PDFs joined). Read as one report, the second one's sections and
tables would end up inside the first one's last section — its numbers lost without a word, its
text mixed into ``六``. So the lines are scanned for a report starting again: a section heading
going back (``一、总体情况`` again, or ``二、`` after ``六、``) once the report has content, or a
title line after the last section followed by table rows or a heading. The second report starts
there — or at its own title line shortly before, or right after the first one's closing date.
A table of contents at the top (headings with nothing under them) is no second report: its lines
are left out, so that the sections start at their headings in the text. Only the first report
is read; an error finding says the file holds more, where the next one starts and
which part was read, so that the user splits the file (reading each part as a report of its own
would need a body and a year for each, which the file's one name cannot carry).
"""

from __future__ import annotations

from ..findings import code
from ..spec import Format
from .lines import Line, place_text
from .texts import _DATE, _MARK, _MARK_START, _heading_at, title_match

MORE_REPORTS = code(
    "PUBLISHED_MORE_REPORTS", "error",
    "文件中不止一份年度报告：{where}起（“{start}”）是另一份报告，共发现{n}份；只读取了第一份（{first}），"
    "其后的内容（包括其表格）均未读入",
    "the file holds {n} reports; only the first one ({first_en}) was read, the next starts at {where}",
    "把每份报告分别存为一个文件，再逐个读取。")

CONTENTS = code("PUBLISHED_CONTENTS", "info", "报告开头的目录（{n}行：{text}）未读入，各部分从正文的标题读起",
                "the table of contents at the top ({n} lines: {text}) was not read; the sections start at their headings "
                "in the text", "")

TITLE_LOOKBACK = 12  # lines before the heading 一 in which the second report's title may stand


def _is_row(line: Line) -> bool:
    return line.run is not None or line.cells is not None and len([c for c in line.cells if c.strip()]) > 1


def restarts(fmt: Format, lines: list[Line]) -> tuple[list[tuple[int, int]], list[int]]:
    """``(line index, offset in its text)`` of each place where a report starts again: a
    section heading going back (一 again, or 二 after 五) once the report has content — a table
    of contents at the top (headings with nothing under them) is no report — or, after the
    last section, a title line followed by table rows or a heading (a report without 一). And
    the indices of the lines of such a table of contents, when each is a line of its own."""
    out: list[tuple[int, int]] = []
    contents: list[int] = []
    heading_lines: list[int] = []  # lines with headings since the report's last heading with content
    current, content, pending = -1, False, None
    last = len(fmt.sections) - 1
    for k, line in enumerate(lines):
        if _is_row(line):
            if pending is not None:
                out.append((pending, 0))
                current, pending, content = -1, None, False
            content = content or current >= 0
            continue
        found = _headings(fmt, line.text)
        at = 0
        for start, end, index in found:
            content = content or current >= 0 and _enough(line.text[at:start])
            at = end
            if current >= 0 and index <= current and not content:
                current = index  # a table of contents: the report starts at its real heading
                if start == 0 and not out and not contents:
                    contents = list(heading_lines)
            elif pending is not None or current >= 1 and index < current:
                out.append((pending, 0) if pending is not None else (k, start))
                current, content, pending = index, False, None
            elif index > current:
                current = index
        if found and not content:
            heading_lines.append(k)
        if current == last and content and not found and title_match(line.text):
            pending = k
        elif pending is not None and _enough(line.text):
            pending = None  # prose after the title line: a running title, not a new report
        else:
            content = content or current >= 0 and _enough(line.text[at:])
    return out, contents


def _enough(text: str) -> bool:
    """Whether a piece of text is content (a paragraph), not just space between headings."""
    return len("".join(text.split())) >= 20


def _headings(fmt: Format, text: str) -> list[tuple[int, int, int]]:
    """(start, end, section index) of the section headings in a line, in the line's order."""
    marks = list(_MARK.finditer(text))
    start = _MARK_START.match(text)
    if start and not any(m.start() == start.start() for m in marks):
        marks.insert(0, start)
    out: list[tuple[int, int, int]] = []
    for m in marks:
        if out and m.start() < out[-1][1]:
            continue
        h = _heading_at(fmt, text, m)
        if h is not None:
            out.append((h.start, h.end, fmt.sections.index(h.section)))
    return out


def _title_before(lines: list[Line], k: int) -> int | None:
    """The index of the first title line shortly before line ``k`` (the second report's own
    title; a page saved with its address may show the title more than once)."""
    found = None
    for j in range(k - 1, max(-1, k - 1 - TITLE_LOOKBACK), -1):
        if _is_row(lines[j]):
            break
        if title_match(lines[j].text):
            found = j
    return found


def _after_signature(lines: list[Line], k: int) -> int | None:
    """The line after the first report's closing date (``2024年1月5日``) shortly before line
    ``k``: what lies between is the second report's opening paragraph, not the first one's 六."""
    for j in range(k - 1, max(-1, k - 1 - TITLE_LOOKBACK), -1):
        if _is_row(lines[j]):
            return None
        if _DATE.match(lines[j].text):
            return j + 1 if j + 1 < k else None
    return None


def first_report(fmt: Format, lines: list[Line], findings: list) -> list[Line]:
    """The lines of the first report in the file (without a table of contents at its top: its
    headings would be taken for the sections); a finding when more follow."""
    found, contents = restarts(fmt, lines)
    if contents:
        findings.append(CONTENTS(n=len(contents), text=_short(" ".join(lines[i].text for i in contents), 60)))
        skip = set(contents)
        lines = [x for i, x in enumerate(lines) if i not in skip]
        found = [(k - sum(1 for i in contents if i < k), o) for k, o in found]
    if not found:
        return lines
    k, offset = found[0]
    line = lines[k]
    head = line.text[:offset]
    j = _title_before(lines, k) if not head.strip() or not title_match(head) else None
    if j is None and not head.strip():
        j = _after_signature(lines, k)
    if j is not None:
        start_line, kept = lines[j], lines[:j]
    elif head.strip():
        where = {**line.where, "offset": line.where.get("offset", 0) + offset} if line.cells is None else line.where
        start_line = Line(line.text[offset:], where=where)
        kept = lines[:k] + [Line(head.rstrip(), line.cells, line.exact, line.where)]
    else:
        start_line, kept = line, lines[:k]
    titles = [m for m in (title_match(t.text) for t in kept) if m]
    paragraphs = sum(1 for x in kept if not _is_row(x))
    first = f"“{titles[0]['org'].strip()}{titles[0]['year']}年”的报告" if titles else "第一份报告"
    if kept:
        first += f"，至{_place(kept[-1].where, paragraphs, False)}"
    findings.append(MORE_REPORTS(n=len(found) + 1, where=_place(start_line.where, paragraphs + 1, True),
                                 start=_short(start_line.text), first=first,
                                 first_en=titles[0].group(0) if titles else "the first"))
    return kept


def _place(where: dict, paragraph: int, exact: bool) -> str:
    """Where a line is (without the character or the cell unless ``exact``); a web page's
    paragraphs, which carry no place, by their number (table rows not counted)."""
    if not exact:
        where = {x: v for x, v in where.items() if x not in ("offset", "column")}
    return place_text(where) if where else f"正文第{paragraph}段"


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "……"
