"""``nianbao parse``: one published report (any form) → report JSON with findings.

The steps: the file's form from its bytes (:mod:`.detect`), its lines (:mod:`.page`,
:mod:`.pdf`, :mod:`.word`, :mod:`.text`), the title (body and year), the format by its
distinguishing labels, the sections, each table (:mod:`.segment` cuts run-together text,
:mod:`.tables` reads the rows, :mod:`.digits` splits numbers by the identities), the texts, and
then every rule of the format on what was read (R6 too: a number missing from a published
report is a real gap; R13 from the sections found). Every value read keeps where it came from
in ``source.places``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..files import read_bytes
from ..report import Report, build_report
from ..rules import Context, evaluate
from ..spec import available_formats, get_format
from .detect import NOTHING_FOUND, NotAReport, decode, detect_format, sniff, traditional
from .lines import Line, norm, place_text
from .page import html_lines
from .segment import segment
from .several import first_report
from .tables import read_tables, table_labels
from .text import markdown_lines, text_lines
from .texts import NO_TITLE, PREAMBLE, drop_signature, find_title, read_texts, split_sections


def lines_of(data: bytes, name: str) -> tuple[list[Line], str, str]:
    """The lines of a file, the title its metadata gives, and its form."""
    form = sniff(data, name)
    if form == "pdf":
        from .pdf import pdf_lines

        return (*pdf_lines(data), form)
    if form == "docx":
        from .word import docx_lines

        return (*docx_lines(data), form)
    text = decode(data) or ""
    if form == "html":
        return (*html_lines(text), form)
    if form == "markdown":
        return markdown_lines(text), "", form
    return text_lines(text), "", form


def _newest():
    return max((get_format(f) for f in available_formats()), key=lambda f: f.first_year)


def parse_published(data: bytes, name: str = "report.txt", *, year: int | None = None,
                    org: dict | None = None) -> Report:
    """Read a published report (the bytes of a file of any form) into the report JSON.
    Raises :class:`~.detect.NotAReport` for a file that is not one (a workbook, a picture…)."""
    lines, head_title, form = lines_of(data, name)
    script = traditional("".join(line.text for line in lines))
    if script:
        raise NotAReport(script)
    findings: list = []
    lines = first_report(_newest(), lines, findings)
    probe = split_sections(_newest(), lines)
    title_year, title_org, used = find_title(probe.preamble, head_title)
    year = year or title_year
    org = {"name": title_org, "code": "", "kind": "", **{k: v for k, v in (org or {}).items() if v}}
    if title_year is None and not (year and org.get("name")):
        what = "、".join(x for x, ok in (("年度", year), ("单位名称", org.get("name"))) if not ok)
        findings.append(NO_TITLE(what=what, what_en="year/name"))
    fmt = detect_format("".join(norm(line.text) for line in lines), year, findings)
    parsed = split_sections(fmt, lines)
    if not parsed.sections and title_year is None:
        raise NotAReport(NOTHING_FOUND)
    findings += parsed.findings
    preamble = [p for i, p in enumerate(parsed.preamble) if i not in used]
    if preamble:
        findings.append(PREAMBLE(n=len(preamble), text=" / ".join(preamble)[:200]))
    values: dict = {}
    places: dict = {}
    sections = {}
    for s in fmt.sections:
        if s.table:
            section = parsed.sections.get(s.number)
            sections[s.table] = segment(section, table_labels(fmt.table(s.table))) if section is not None else None
    for reading in read_tables(fmt, sections).values():
        values.update(reading.values)
        places.update({i: {"where": place_text(p["where"]), **p["where"], "raw": p["raw"]}
                       for i, p in reading.places.items() if i in fmt.datapoints})
        findings += reading.findings
    drop_signature(fmt, parsed, org.get("name") or "", findings)
    texts = read_texts(fmt, parsed, findings)
    ctx = Context(values={i: values.get(i) for i in fmt.datapoints}, texts=texts, year=year,
                  org_kind=org.get("kind") or "", sections_found=set(parsed.sections))
    findings += evaluate(fmt, ctx)
    source = {"file": Path(name).name, "sha256": hashlib.sha256(data).hexdigest(), "form": form,
              "places": places}
    return build_report(fmt, year=year, org=org, values=values, texts=texts, source=source,
                        findings=findings)


MAX_BYTES = 64 * 1024 * 1024  # a published report is a few MB at most; more is not one


def parse_file(path, **kw) -> Report:
    p = Path(path)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise NotAReport(f"文件过大（{size // (1024 * 1024)} MB），不像是一份年度报告")
    return parse_published(read_bytes(p), p.name, **kw)
