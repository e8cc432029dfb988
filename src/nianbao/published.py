"""``nianbao parse``: a published report (web text, HTML or nianbao's Markdown) → report JSON.

Everything is recognised from the format's data: section headings (and their ``aliases``,
numbered ``一、`` or ``1、``), the sub-headings of 一, the tables' labels (see
:mod:`nianbao.published_tables`). The title line gives the body's name and the year. The
format (2021, or the 2019 trial format) is told from table 二's headers and the number of
table 三 result rows (spec §8).

Texts: 一's sub-headings ``（一）主动公开`` (also ``（一）主动公开方面``, ``（四）平台建设``, or a
sub-heading running into its paragraph) split 一 into ``s1.*``; text before the first is
``s1.intro``. Section 六 is one text in a published report; its paragraphs that speak of the
信息处理费 (:data:`FEE_WORDS`) go to ``s6.processing_fees``, the others to
``s6.other_matters`` — the renderer writes them in that order, so render → parse gives the
texts back. Then the rules a published report can break are run (all of them; R6 too: a number
missing from a published report is a real gap; R13 from the sections found).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .findings import code
from .published_lines import Line, html_lines, markdown_lines, norm, text_lines
from .published_tables import read_table, result_rows_found, t2_headers_found
from .report import build_report
from .rules import Context, evaluate
from .spec import FORMAT_IDS, Format, Section, get_format

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
FORMAT_DETECTED = code("PUBLISHED_FORMAT", "info", "按表格的表头和行数，本报告使用{name}（{notice}）",
                       "the tables are laid out in {name} ({notice})", "")
FORMAT_MIXED = code("PUBLISHED_FORMAT_MIXED", "warning", "表二的表头属于{t2}，而表三的办理结果行属于{t3}，按{used}读取",
                    "table 二's headers are of {t2} but table 三's rows of {t3}; read as {used}",
                    "核对原文表格使用的格式版本。")
SIGNATURE = code("PUBLISHED_SIGNATURE", "info", "报告末尾的落款“{text}”未计入正文",
                  "the closing signature “{text}” was not read as text", "")
FEE_WORDS = re.compile(r"信息处理费|处理费|收取[^。，；]{0,8}费")
_TITLE = re.compile(r"^(?P<org>.*?)\s*(?:关于)?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:的)?\s*"
                    r"政府信息公开工作\s*年度报告\s*[（(]?(?P<note>[^）)]*)[）)]?$")
# "2022年上海市政府信息公开工作年度报告": the year first
_TITLE_YEAR_FIRST = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<org>\S.*?)\s*"
                               r"政府信息公开工作\s*年度报告\s*$")
_NUMERALS = "一二三四五六七八九十"
_DATE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_SECTION = re.compile(r"^(?P<n>[一二三四五六七八九十]|\d{1,2}|[１-９])\s*[、.．,，]\s*(?P<core>.+)$")
_SUB = re.compile(r"^[（(]\s*(?P<n>[一二三四五六七八九十])\s*[）)]\s*(?P<rest>.+)$")
_SUB_SUFFIX = re.compile(r"(方面|情况|工作|方面工作)?[:：。.]?$")


@dataclass
class Parsed:
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    sections: dict = field(default_factory=dict)  # number -> list[Line]
    findings: list = field(default_factory=list)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMERALS.index(token) + 1


def _cores(s: Section) -> list[str]:
    return [norm(h).split("、", 1)[-1] for h in (s.heading,) + s.aliases]


def section_of(fmt: Format, text: str) -> tuple[Section, bool] | None:
    """The section a heading line opens (and whether it is a variant), or None."""
    m = _SECTION.match(text.strip())
    if not m:
        return None
    n, core = _number(unicodedata.normalize("NFKC", m["n"])), norm(m["core"])
    if not 1 <= n <= len(fmt.sections):
        return None
    s = fmt.sections[n - 1]
    cores = _cores(s)
    if _loose(core) in {_loose(c) for c in cores}:
        return s, core != cores[0] or m["n"] not in _NUMERALS
    return None


def _loose(core: str) -> str:
    """A heading without its joining words: 复议、诉讼 = 复议和诉讼 = 复议及诉讼 = 复议诉讼."""
    return re.sub(r"[、,，和及与]", "", core)


def split_sections(fmt: Format, lines: list[Line]) -> Parsed:
    out, current = Parsed(), None
    for line in lines:
        hit = section_of(fmt, line.text) if line.cells is None or len([c for c in line.cells if c]) <= 1 else None
        if hit and (current is None or fmt.sections.index(hit[0]) > current):
            current = fmt.sections.index(hit[0])
            out.sections[hit[0].number] = []
            if hit[1]:
                out.findings.append(HEADING_VARIANT(found=line.text, heading=hit[0].heading))
            continue
        if current is None:
            if not out.title and title_match(line.text):
                out.title = line.text.strip()
            else:
                out.preamble.append(line.text)
            continue
        out.sections[fmt.sections[current].number].append(line)
    return out


def title_match(text: str):
    text = text.strip()
    return _TITLE.match(text) or _TITLE_YEAR_FIRST.match(text)


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


def section_one(fmt: Format, section: Section, lines: list[Line], findings: list) -> dict:
    fields = list(section.fields)
    texts = {f.id: [] for f in fields}
    current, found = 0, False
    for line in lines:
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
    from .render import SUMMARY_TEXT_NOTE

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


# ---- the whole report ---------------------------------------------------------------------------

def detect_format(lines: list[Line], year: int | None, findings: list) -> Format:
    """Spec §8: table 二's headers first, then the number of table 三 result rows."""
    fmts = [get_format(f) for f in FORMAT_IDS]
    by_t2 = next((f for f in fmts if t2_headers_found(f, lines)), None)
    counts = {f.id: result_rows_found(f, lines) for f in fmts}
    best = max(counts.values())
    by_t3 = next((f for f in fmts if best and counts[f.id] == best
                  and sum(1 for v in counts.values() if v == best) == 1), None)
    fmt = by_t2 or by_t3
    if by_t2 and by_t3 and by_t2.id != by_t3.id:
        findings.append(FORMAT_MIXED(t2=by_t2.name, t3=by_t3.name, used=by_t2.name))
    if fmt is None:
        from .spec import format_for_year

        try:
            fmt = format_for_year(year) if year else get_format("gb2021")
        except KeyError:
            fmt = get_format("gb2021")
    if fmt.id != "gb2021":
        findings.append(FORMAT_DETECTED(name=fmt.name, notice=fmt.notice))
    return fmt


def lines_of(data: bytes, name: str) -> tuple[list[Line], str]:
    text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("gb18030", errors="replace")
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm") or re.match(r"\s*(<!doctype html|<html|<body|<table|<p[ >])",
                                               text[:500], re.I):
        return html_lines(text)
    if suffix in (".md", ".markdown"):
        return markdown_lines(text), ""
    return text_lines(text), ""


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def parse_published(data: bytes, name: str = "report.txt", *, year: int | None = None,
                    org: dict | None = None) -> dict:
    """Read a published report (bytes of a .txt / .html / .md file) into the report JSON."""
    findings: list = []
    lines, head_title = lines_of(data, name)
    title_year, title_org = None, ""
    probe = split_sections(get_format("gb2021"), lines)
    m = title_match(probe.title or head_title)
    if m:
        title_year, title_org = int(m["year"]), m["org"].strip()
    year = year or title_year
    org = {"name": title_org, "code": "", "kind": "", **{k: v for k, v in (org or {}).items() if v}}
    if not m and not (year and org.get("name")):
        what = "、".join(x for x, ok in (("年度", year), ("单位名称", org.get("name"))) if not ok)
        findings.append(NO_TITLE(what=what, what_en="year/name"))
    fmt = detect_format(lines, year, findings)
    parsed = split_sections(fmt, lines)
    findings += parsed.findings
    if parsed.preamble:
        findings.append(PREAMBLE(n=len(parsed.preamble), text=" / ".join(parsed.preamble)[:200]))
    values: dict = {}
    for s in fmt.sections:
        if s.table:
            reading = read_table(fmt, s.table, parsed.sections.get(s.number))
            values.update(reading.values)
            findings += reading.findings
    drop_signature(fmt, parsed, org.get("name") or "", findings)
    texts = read_texts(fmt, parsed, findings)
    ctx = Context(values={i: values.get(i) for i in fmt.datapoints}, texts=texts, year=year,
                  org_kind=org.get("kind") or "", sections_found=set(parsed.sections))
    findings += evaluate(fmt, ctx)
    source = {"file": Path(name).name, "sha256": hashlib.sha256(data).hexdigest()}
    return build_report(fmt, year=year, org=org, values=values, texts=texts, source=source,
                        findings=findings)


def parse_file(path, **kw) -> dict:
    p = Path(path)
    return parse_published(p.read_bytes(), p.name, **kw)
