"""What a new user's trial of the portal found (issue 10): each defect as it was met, on the
real served portal, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
from portal_kit import ROSTER, YEAR, create_collection, sample_orgs, samples, text_of, workbook

ORGS = {o["code"]: o for o in sample_orgs()}
A = "140521100"


@pytest.fixture
def county_a(portal_factory, database):
    """A served portal (SQLite, and PostgreSQL), its county signed in, body A signed in."""
    portal = portal_factory(database)
    county = portal.county()
    codes = create_collection(county, ROSTER)
    a = portal.client()
    assert a.sign_in(A, codes[A]).status == 302
    body = re.search(rf"<td>{A}</td>.*?/county/bodies/(\d+)/", county.get("/county/").text, re.S).group(1)
    return {"portal": portal, "county": county, "codes": codes, "a": a, "body": body}


def test_a_reopen_note_ends_with_one_full_stop(county_a):
    county, a, body = county_a["county"], county_a["a"], county_a["body"]
    a.upload("a.xlsx", workbook(ORGS[A]))
    county.get(f"/county/bodies/{body}/")
    assert county.post(f"/county/bodies/{body}/accept/").status == 302
    county.get(f"/county/bodies/{body}/")
    county.post(f"/county/bodies/{body}/reopen/", {"note": "请核对第三张表。"})
    page = text_of(a.get("/my/").text)
    assert "请核对第三张表。请修改后重新上传。" in page and "。。" not in page
    county.get(f"/county/bodies/{body}/")
    county.post(f"/county/bodies/{body}/reopen/", {"note": "第三张表的合计对吗？"})
    assert "第三张表的合计对吗？请修改后重新上传。" in text_of(a.get("/my/").text)


def test_an_upload_set_aside_shows_its_counts_in_plain_words(county_a):
    """First upload saved later than the second: the second counts (the last upload); the first
    still shows its counts, and says in plain words which upload counts."""
    county, a, body = county_a["county"], county_a["a"], county_a["body"]
    late = datetime(YEAR + 1, 1, 20, tzinfo=timezone.utc)
    early = datetime(YEAR + 1, 1, 10, tzinfo=timezone.utc)
    first = a.upload("新.xlsx", workbook(ORGS[A], error=True, saved_at=late))
    a.upload("旧.xlsx", workbook(ORGS[A], saved_at=early))
    home = a.get("/my/").text
    row1 = text_of(re.search(r"<tr><td>第1次</td>.*?</tr>", home, re.S).group(0))
    assert "错误2 警告0" in row1 and "以第2次为准" in row1, row1
    assert "目前采用的是第2次" in text_of(home)
    pk = re.search(r"/my/uploads/(\d+)/", a.get("/my/").text.split("第1次")[1]).group(1)
    page = text_of(a.get(f"/my/uploads/{pk}/").text)
    assert "有 2 处错误" in page and "收件箱" not in page and "这份不是目前采用的提交" in page
    county_row = re.search(r"<tr><td>第1次</td>.*?</tr>", county.get(f"/county/bodies/{body}/").text, re.S).group(0)
    assert "错误2 警告0" in text_of(county_row), county_row
    assert first.status == 200


def test_a_revoked_code_is_told_so_and_shown_on_the_board(county_a):
    portal, county, codes, body = county_a["portal"], county_a["county"], county_a["codes"], county_a["body"]
    county.get(f"/county/bodies/{body}/")
    county.post(f"/county/bodies/{body}/revoke/")
    assert county_a["a"].get("/my/").status == 403  # its session has ended
    r = portal.client().sign_in(A, codes[A])
    assert r.status == 403 and "已被县政务公开办停用" in text_of(r.text) and "重新生成" in text_of(r.text)
    wrong = codes["140521101"]  # a code, but not this body's: no word of the revocation
    r = portal.client().sign_in(A, wrong)
    assert r.status == 401 and "停用" not in text_of(r.text)
    board = county.get("/county/").text
    assert re.search(rf"<td>{A}</td><td>[^<]*<span class=\"tag revoked\">访问码已停用", board)
    assert board.count("访问码已停用") == 1
    county.get(f"/county/bodies/{body}/")
    new = re.findall(r"/login/#[^/]+/([A-Z0-9-]{19})", county.post_follow(f"/county/bodies/{body}/new-code/").text)[0]
    assert portal.client().sign_in(A, new).status == 302
    assert "访问码已停用" not in county.get("/county/").text


BIG = 30 * 2**20


def _raw(portal, head: str, body_start: bytes) -> tuple[int, dict, str]:
    """Send a request's head and the start of its body, then read the answer (a server that
    refuses by the declared size answers before the rest is sent)."""
    import socket

    with socket.create_connection(("127.0.0.1", portal.port), timeout=30) as s:
        s.sendall(head.encode() + body_start)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    head_out, _, body = data.partition(b"\r\n\r\n")
    lines = head_out.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body.decode("utf-8", "replace")


def test_a_30_mb_upload_gets_the_portals_chinese_page(county_a):
    """Over the limit, by more than the form's framing: read to its end, refused before Django's
    form parsing, with the portal's own page (was: waitress's English text)."""
    a, county = county_a["a"], county_a["county"]
    a.get("/my/")
    r = a.post("/my/upload/", files={"workbook": ("扫描件.xlsx", b"PK\x03\x04" + b"\0" * BIG)})
    assert r.status == 413 and r.headers["content-type"].startswith("text/html")
    page = text_of(r.text)
    assert "文件超过20 MB" in page and "返回" in page and 'href="/my/"' in r.text
    assert "Request Entity" not in r.text and "waitress" not in r.text and "nianbao)" not in r.text
    assert "content-security-policy" in r.headers
    assert "第1次" not in a.get("/my/").text  # nothing recorded
    # the roster on 建立收集 too (a second year, so that the form is there to post)
    county.get("/county/")
    r = county.post("/county/new/", {"year": str(YEAR + 1), "county_name": "青山县"},
                    files={"roster": ("名册.xlsx", b"PK\x03\x04" + b"\0" * BIG)})
    assert r.status == 413 and "上传的文件超过20 MB" in text_of(r.text) and 'href="/county/"' in r.text


def test_past_waitress_limit_the_answer_is_chinese_too(portal_factory):
    """Over the size waitress reads at all (it refuses by the declared length, before reading
    the body, so that no request fills the disk): the same Chinese page, from waitress."""
    portal = portal_factory(env={"NIANBAO_PORTAL_MAX_UPLOAD": str(200_000)})
    head = (f"POST /my/upload/ HTTP/1.1\r\nHost: 127.0.0.1:{portal.port}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {BIG}\r\n\r\n")
    status, headers, body = _raw(portal, head, b"\0" * 65536)
    assert status == 413 and headers["content-type"] == "text/html; charset=utf-8"
    assert "文件超过" in text_of(body) and 'href="/my/"' in body and "generated by" not in body
    head = head.replace("/my/upload/", "/county/new/")
    status, headers, body = _raw(portal, head, b"")
    assert status == 413 and "上传的文件超过" in text_of(body) and 'href="/county/"' in body
    # malformed requests get Chinese too
    status, headers, body = _raw(portal, "GET /login/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"")
    assert status == 400 and "请求有误" in text_of(body)


POST_ONLY = {"/county/new/": None, "/county/codes/": None, "/logout/": "/", "/my/upload/": "/my/",
             "/county/bodies/{b}/new-code/": "/county/bodies/{b}/", "/county/bodies/{b}/revoke/": "/county/bodies/{b}/",
             "/county/bodies/{b}/accept/": "/county/bodies/{b}/", "/county/bodies/{b}/reopen/": "/county/bodies/{b}/"}


def test_a_get_on_a_form_target_leads_somewhere(county_a):
    """Every URL that takes a form, opened by GET (a reload, a bookmark, the address typed):
    sent to the page holding the form, or a Chinese page — never an empty 405 (which the
    browser shows as English "HTTP ERROR 405") — and nothing done."""
    county, a, b = county_a["county"], county_a["a"], county_a["body"]
    version = county.get("/county/board/version/").text
    for url, where in POST_ONLY.items():
        url, where = url.format(b=b), where and where.format(b=b)
        client = a if url.startswith("/my/") else county
        r = client.get(url)
        assert r.status != 405 and (r.status in (200, 302)), (url, r.status)
        if where:
            assert r.status == 302 and r.location == where, (url, r.location)
            assert client.follow(url).status == 200
        elif url == "/county/new/":  # the form itself: 开始新年度收集
            assert r.status == 200 and 'action="/county/new/"' in r.text and "开始新年度收集" in text_of(r.text)
        else:
            assert r.status == 200 and "访问码只在生成后显示一次" in text_of(r.text)
    assert county.get("/county/board/version/").text == version  # nothing changed
    assert a.get("/my/").status == 200 and county.get("/county/").status == 200  # nobody signed out


def test_after_a_form_reloading_the_page_does_not_post_it_again(county_a):
    """POST/redirect/GET: the codes made by 建立收集 or 重新生成 are shown by a GET page (once:
    a reload says why they are not shown again, and makes no new codes)."""
    portal, county, codes, b = county_a["portal"], county_a["county"], county_a["codes"], county_a["body"]
    county.get(f"/county/bodies/{b}/")
    r = county.post(f"/county/bodies/{b}/new-code/")
    assert r.status == 302 and r.location == "/county/codes/"
    page = county.get("/county/codes/").text
    new = re.findall(r"/login/#[^/]+/([A-Z0-9-]{19})", page)
    assert len(new) == 1 and new[0] != codes[A]
    again = county.get("/county/codes/")  # the reload
    assert again.status == 200 and not re.findall(r"/login/#", again.text) and "不再显示" in text_of(again.text)
    assert portal.client().sign_in(A, new[0]).status == 302  # the code shown still works
    county.get("/county/")
    r = county.post("/county/codes/")
    assert r.status == 302 and len(re.findall(r"/login/#", county.get("/county/codes/").text)) == 13


def _download(client, path: str):
    r = client.get(path)
    assert r.status == 200, (path, r.status)
    return r


def test_next_years_collection_from_the_interface(county_a):
    """开始新年度收集 on the board: the year after, the names and last year's roster offered,
    last year's data pre-filled; a year selector keeps the old board and downloads; the old
    year's codes are told plainly that their year is closed; each year's bodies see only their
    own year."""
    portal, county, codes, a = county_a["portal"], county_a["county"], county_a["codes"], county_a["a"]
    a.upload("2026.xlsx", workbook(ORGS[A]))
    board = county.get("/county/").text
    assert 'href="/county/new/"' in board and "开始新年度收集" in text_of(board)
    form = county.get("/county/new/").text
    assert f'value="{YEAR + 1}"' in form and 'value="青山县"' in form and "沿用2026年度的名册，共13个单位" in text_of(form)
    assert "预填2026年度采用的数据" in text_of(form)
    r = county.post("/county/new/", {"year": str(YEAR + 1), "county_name": "青山县", "county_code": "140521"})
    assert r.status == 302 and r.location == "/county/codes/", text_of(r.text)[:500]
    new_codes = dict(re.findall(r"/login/#([^/<\s]+)/([A-Z0-9-]{19})", county.get("/county/codes/").text))
    assert len(new_codes) == 13 and new_codes[A] != codes[A]

    # the board: the open year by default, the year selector, the old year's board and files
    board = county.get("/county/").text
    assert "2027年度收集情况" in board and 'href="/county/?year=2026"' in board
    old = county.get("/county/?year=2026").text
    assert "2026年度收集情况" in old and "2026年度的收集已经结束" in text_of(old)
    assert re.search(rf"<td>{A}</td>.*?<td class=\"st st-已通过\">", old, re.S)
    assert re.search(rf"<td>{A}</td>.*?<td class=\"st st-未提交\">", board, re.S)
    assert 'href="/county/download/status.xlsx?year=2026"' in county.get("/county/downloads/?year=2026").text
    r = _download(county, "/county/download/summary.json?year=2026")
    assert "2026%E5%B9%B4%E5%BA%A6" in r.headers["content-disposition"] and b"140521100" in r.body
    assert "2027%E5%B9%B4%E5%BA%A6" in _download(county, "/county/download/summary.json").headers["content-disposition"]
    assert county.get("/county/?year=2031").status == 404  # no such year: not another year's board
    old_body = re.search(rf"<td>{A}</td>.*?/county/bodies/(\d+)/", old, re.S).group(1)
    assert "只能查看和下载" in text_of(county.get(f"/county/bodies/{old_body}/").text)
    county.get(f"/county/bodies/{old_body}/")
    assert county.post(f"/county/bodies/{old_body}/new-code/").status == 409  # a closed year's codes stay closed

    # 2026's bodies: the open session ends, the code is told its year is closed
    r = a.get("/my/")
    assert r.status == 403 and "2026年度的报送已经结束" in text_of(r.text) and "2027年度访问码" in text_of(r.text)
    r = portal.client().sign_in(A, codes[A])
    assert r.status == 403 and "现在进行的是2027年度的收集" in text_of(r.text)
    r = portal.client().sign_in(A, "AAAA-BBBB-CCCC-DDDD")  # a wrong code learns nothing of 2026
    assert r.status == 401 and "2026" not in text_of(r.text)
    # 2027's: its own page, nothing of 2026's uploads; its template pre-filled from 2026
    a27 = portal.client()
    assert a27.sign_in(A, new_codes[A]).status == 302
    home = a27.get("/my/").text
    assert "2027年度" in text_of(home) and "上年数据已预填" in text_of(home) and "第1次" not in home
    assert a27.get("/my/preview/").status == 404  # 2026's counted report is not 2027's
    from io import BytesIO

    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(_download(a27, "/my/template/").body))
    assert "2027" in "".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)

    # a year before the open one cannot be started; the same year cannot be started twice
    county.get("/county/new/")
    r = county.post("/county/new/", {"year": "2025", "county_name": "青山县"})
    assert r.status == 400 and "只能开始更晚年度" in text_of(r.text)
    r = county.post("/county/new/", {"year": "2027", "county_name": "青山县"})
    assert r.status == 409


def test_a_last_years_workbook_is_told_what_to_do_and_never_looks_clean(county_a):
    """The second trial: a body uploading last year's workbook read only "未采用：…不是2027年度",
    an empty 问题清单 heading under it, and "错误0 警告0" in its history — a pass, to a clerk."""
    county, a, body = county_a["county"], county_a["a"], county_a["body"]
    # a workbook with no finding of its own (seed 7), so the page has no list to head
    old = samples().filled_workbook(year=YEAR - 1, org=ORGS[A], values=samples().body_values(7),
                                    texts=samples().body_texts(ORGS[A], YEAR - 1))
    page = a.upload("去年的.xlsx", old)
    text = text_of(page.text)
    assert "这份文件未采用" in text and "下载本年度模板，填好后重新上传" in text, text
    assert "<h2>问题清单</h2>" not in page.text
    for history in (a.get("/my/").text, county.get(f"/county/bodies/{body}/").text):
        row = text_of(re.search(r"<tr><td>第1次</td>.*?</tr>", history, re.S).group(0))
        assert "未能检查" in row and "错误0" not in row, row


def test_downloads_are_saved_under_chinese_names(county_a):
    county = county_a["county"]
    for name, saved in (("summary.xlsx", "汇总.xlsx"), ("status.csv", "收集情况.csv"),
                        ("export.findings.csv", "导出数据_问题清单.csv")):
        r = county.get(f"/county/download/{name}")
        assert r.status == 200, name
        disposition = r.headers["content-disposition"]
        assert "summary" not in disposition and "status" not in disposition, disposition
        assert quote(f"青山县{YEAR}年度_{saved}") in disposition, disposition
