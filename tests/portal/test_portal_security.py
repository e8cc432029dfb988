"""The portal treats every request as hostile: the access-control matrix (every URL as body A
on body B's objects, anonymous, and as a body on the county's pages), CSRF, the sign-in limit,
revoked codes, sessions, escaping. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from portal_kit import ROSTER, codes_on, create_collection, sample_orgs, text_of, workbook

SECRET_TEXT = "东岭镇独有的机密文字QX7"
SECRET_FILE = "东岭镇内部上报文件QX8.xlsx"


def _urls() -> list[str]:
    """Every URL pattern of the portal, read from its urls.py (the server runs Django, not the tests)."""
    from portal_kit import ROOT

    source = (ROOT / "src" / "nianbao" / "portal" / "urls.py").read_text(encoding="utf-8")
    return ["/" + u for u in re.findall(r'^\s*path\("([^"]*)"', source, re.M)]


@pytest.fixture
def county_ab(portal):
    """The demo county with body A (中村镇) and body B (东岭镇) each having uploaded twice."""
    county = portal.county()
    codes = create_collection(county, ROSTER)
    orgs = {o["code"]: o for o in sample_orgs()}
    a, b = portal.client(), portal.client()
    assert a.sign_in("140521100", codes["140521100"]).status == 302
    assert b.sign_in("140521101", codes["140521101"]).status == 302
    a.upload("中村镇.xlsx", workbook(orgs["140521100"], error=True))
    a.upload("中村镇2.xlsx", workbook(orgs["140521100"]))
    b.upload("东岭镇初稿.xlsx", workbook(orgs["140521101"], error=True, texts={"s1.intro": SECRET_TEXT}))
    b.upload(SECRET_FILE, workbook(orgs["140521101"], texts={"s1.intro": SECRET_TEXT}))
    # B's object ids, as B's own pages show them, and the county's ids of B
    b_subs = sorted(set(re.findall(r"/my/uploads/(\d+)/", b.get("/my/").text)))
    board = county.get("/county/").text
    b_body = re.search(r"<td>140521101</td>.*?/county/bodies/(\d+)/", board, re.S).group(1)
    a_body = re.search(r"<td>140521100</td>.*?/county/bodies/(\d+)/", board, re.S).group(1)
    assert len(b_subs) == 2 and SECRET_TEXT in b.get("/my/preview/").text
    return {"portal": portal, "county": county, "codes": codes, "a": a, "b": b, "b_subs": b_subs,
            "b_body": b_body, "a_body": a_body}


def _fill(url: str, ids: list[str]) -> list[str]:
    if "<int:pk>" not in url:
        return [url]
    return [url.replace("<int:pk>", i) for i in ids]


def _b_leaks(r) -> list[str]:
    text = r.text
    return [m for m in ("东岭镇", "140521101", SECRET_TEXT, SECRET_FILE) if m in text]


DOWNLOADS = ["status.xlsx", "status.csv", "summary.xlsx", "summary.json", "export.sqlite", "export.csv",
             "export.findings.csv", "feedback.zip", "templates.zip", "files.zip"]
PUBLIC = {"/", "/login/", "/county/login/", "/logout/"}


def _all_urls(ctx, guessed: bool = True) -> list[str]:
    ids = sorted({*ctx["b_subs"], ctx["b_body"], *([str(i) for i in range(1, 30)] if guessed else [])}, key=int)
    out = []
    for u in _urls():
        if "<str:name>" in u:
            out += [u.replace("<str:name>", n) for n in DOWNLOADS]
        else:
            out += _fill(u, ids)
    return out


def test_body_a_cannot_reach_body_b(county_ab):
    a = county_ab["a"]
    a.get("/my/")
    for url in _all_urls(county_ab):
        if url in PUBLIC:
            continue
        for method in ("GET", "POST"):
            r = a.get(url) if method == "GET" else a.post(url, {"note": "x", "code": "1", "name": "x"})
            if url.startswith("/my/") and "<" not in url and not re.search(r"/\d+/", url):
                continue  # A's own pages (checked below to hold nothing of B's)
            if re.match(r"/my/uploads/\d+/", url) and url.split("/")[3] not in county_ab["b_subs"]:
                # a guessed id: 404 unless it is one of A's own uploads
                assert r.status in (200, 404, 405), (method, url, r.status)
                assert not _b_leaks(r), (method, url)
                continue
            assert r.status in (403, 404, 405), (method, url, r.status)
            assert not _b_leaks(r), (method, url, _b_leaks(r))
    for own in ("/my/", "/my/preview/", "/my/template/"):
        r = a.get(own)
        assert r.status == 200 and not _b_leaks(r), own
    # nothing A did reached B or the county
    page = county_ab["county"].get(f"/county/bodies/{county_ab['b_body']}/").text
    assert len(re.findall(r"/county/uploads/\d+/file/", page)) == 2


def test_anonymous_gets_nothing(county_ab):
    anon = county_ab["portal"].client()
    for url in _all_urls(county_ab):
        if url in PUBLIC:
            continue
        for r in (anon.get(url), anon.post(url, {"x": "1"})):
            assert r.status in (403, 404, 405), (url, r.status)
            assert not _b_leaks(r), url


def test_a_body_on_the_county_pages(county_ab):
    b = county_ab["b"]
    for url in _all_urls(county_ab, guessed=False):
        if not url.startswith("/county/") or url == "/county/login/":
            continue
        for r in (b.get(url), b.post(url, {"note": "x"})):
            assert r.status in (403, 405), (url, r.status)
            assert SECRET_TEXT not in r.text and "中村镇" not in r.text, url
    # and B's access code still works: nothing was regenerated by B's posts
    again = county_ab["portal"].client()
    assert again.sign_in("140521101", county_ab["codes"]["140521101"]).status == 302


def test_csrf_is_required_on_every_form(county_ab):
    portal, a, county = county_ab["portal"], county_ab["a"], county_ab["county"]
    before = text_of(county.get(f"/county/bodies/{county_ab['a_body']}/").text).count("第")
    forged = [("/my/upload/", a), ("/logout/", a), (f"/county/bodies/{county_ab['b_body']}/new-code/", county),
              ("/county/codes/", county), (f"/county/bodies/{county_ab['b_body']}/revoke/", county),
              ("/county/new/", county)]
    for url, client in forged:
        r = client.post(url, {"note": "x"}, csrf=False)
        assert r.status == 403 and "安全校验未通过" in text_of(r.text), url
    # a form posted from another site (Origin header) is refused even with a token
    r = a.request("POST", "/logout/", f"csrfmiddlewaretoken={a.csrf or ''}".encode(),
                  {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"})
    assert r.status == 403
    # nothing happened: B's code still works, A is still signed in, A's uploads unchanged
    assert portal.client().sign_in("140521101", county_ab["codes"]["140521101"]).status == 302
    assert a.get("/my/").status == 200
    assert text_of(county.get(f"/county/bodies/{county_ab['a_body']}/").text).count("第") == before
    # the sign-in form itself
    r = portal.client().post("/login/", {"org_code": "140521100", "access_code": county_ab["codes"]["140521100"]},
                             csrf=False)
    assert r.status == 403


def test_sign_in_is_rate_limited(portal):
    county = portal.county()
    codes = create_collection(county, ROSTER)
    c = portal.client()
    for _ in range(10):
        assert c.sign_in("140521100", "AAAA-AAAA-AAAA-AAAA").status == 401
    r = c.sign_in("140521100", codes["140521100"])  # right code, but the account is locked now
    assert r.status == 429 and "登录失败次数过多" in text_of(r.text)
    # another body from the same address is not locked by A's failures (the limit per address,
    # and per account from other addresses: test_portal_signin)
    assert portal.client().sign_in("140521101", codes["140521101"]).status == 302
    # the county's sign-in has its own limit
    for _ in range(10):
        assert portal.client().sign_in_county("AAAA-AAAA-AAAA-AAAA").status in (401, 429)
    assert portal.client().sign_in_county(portal.admin_code).status == 429


def test_codes_are_revocable_and_sessions_end(county_ab):
    portal, county, a = county_ab["portal"], county_ab["county"], county_ab["a"]
    a_body = county_ab["a_body"]
    county.get(f"/county/bodies/{a_body}/")
    r = county.post_follow(f"/county/bodies/{a_body}/new-code/")
    new = codes_on(r.text)["140521100"]
    assert new != county_ab["codes"]["140521100"]
    assert a.get("/my/").status == 403  # the session made with the old code has ended
    assert portal.client().sign_in("140521100", county_ab["codes"]["140521100"]).status == 401
    c = portal.client()
    assert c.sign_in("140521100", new.lower().replace("-", " ")).status == 302  # case and separators do not matter
    county.get(f"/county/bodies/{a_body}/")
    county.post(f"/county/bodies/{a_body}/revoke/")
    assert c.get("/my/").status == 403
    assert portal.client().sign_in("140521100", new).status == 403  # told it was revoked (test_portal_trial)


def test_session_cookie_ends_with_the_browser(portal):
    county = portal.client()
    county.get("/county/login/")
    r = county.post("/county/login/", {"admin_code": portal.admin_code})
    cookie = r.headers.get("set-cookie", "")
    assert "nianbao_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "expires" not in cookie.lower() and "max-age" not in cookie.lower()


def test_hostile_names_and_texts_are_shown_as_text(portal):
    county = portal.county()
    evil = "<script>alert(1)</script>"
    # a county name cannot hold < > " (it names files: test_the_county_name_must_be_able_to_name_a_file)
    codes = create_collection(county, ROSTER, name="青山县'&amp;")
    orgs = {o["code"]: o for o in sample_orgs()}
    c = portal.client()
    c.sign_in("140521100", codes["140521100"])
    book = workbook(orgs["140521100"], texts={"s1.intro": f"{evil}<b onmouseover=alert(3)>正文</b>"})
    r = c.upload("<img src=x onerror=alert(2)>.xlsx", book)
    assert r.status == 200
    blank = {"code": "9999", "name": "<script>alert(4)</script>镇", "kind": "乡镇"}
    r2 = c.upload("blank.xlsx", workbook(blank, blank=True))
    r3 = c.upload("cell.xlsx", _typed_into_a_number_cell(book, "<script>alert(5)</script>"))
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in r3.text  # the finding quotes the cell, escaped
    pages = [r.text, r2.text, r3.text, c.get("/my/").text, c.get("/my/preview/").text, county.get("/county/").text]
    body_pk = re.search(r"<td>140521100</td>.*?/county/bodies/(\d+)/", pages[-1], re.S).group(1)
    pages.append(county.get(f"/county/bodies/{body_pk}/").text)
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert "青山县&#x27;&amp;amp;" in pages[-2]
    assert "&lt;img src=x onerror=alert(2)&gt;.xlsx" in pages[3]
    assert "&lt;script&gt;alert(4)&lt;/script&gt;镇" in pages[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[4]  # the preview escapes the texts too
    preview = c.get("/my/preview/")
    assert "sandbox" in preview.headers["content-security-policy"]


def _typed_into_a_number_cell(data: bytes, text: str) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["三、依申请公开"]["D7"] = text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_uploads_are_size_limited(portal_factory):
    portal = portal_factory(env={"NIANBAO_PORTAL_MAX_UPLOAD": str(200_000)})
    county = portal.county()
    codes = create_collection(county, ROSTER)
    c = portal.client()
    c.sign_in("140521100", codes["140521100"])
    r = c.upload("big.xlsx", b"PK\x03\x04" + b"\0" * 300_000)
    assert r.status == 413 and "文件超过" in text_of(r.text)
    assert "第1次" not in c.get("/my/").text  # nothing recorded


def test_every_url_is_in_the_matrix():
    """A new URL must be added to the matrix above (it walks urls.py, so it is)."""
    urls = _urls()
    assert "/county/download/<str:name>" in urls and "/my/uploads/<int:pk>/file/" in urls
    assert all(u.startswith(("/my/", "/county/")) or u in PUBLIC for u in urls)



def test_the_county_name_must_be_able_to_name_a_file(portal):
    """The summary's name goes into every download's file name (Content-Disposition) and into
    the collect command the downloads page shows: a line break there broke every download."""
    county = portal.county()
    for bad in ("青山县\r\nSet-Cookie: x=1", "青山县/城区", '青山"县'):
        county.get("/county/")
        r = county.post("/county/new/", {"year": "2026", "county_name": bad}, files={"roster": ("roster.csv", ROSTER)})
        assert r.status == 400 and "汇总单位名称" in text_of(r.text), (bad, r.status)
    codes = create_collection(county, ROSTER, name="青山 县")  # a space is kept, and quoted in the command
    assert codes
    for name in DOWNLOADS:
        r = county.get(f"/county/download/{name}")
        assert r.status == 200 and "filename*=UTF-8''%E9%9D%92%E5%B1%B1%20%E5%8E%BF2026" in r.headers["content-disposition"]
    assert '--name "青山 县"' in text_of(county.get("/county/downloads/").text)
    for year in ("abc", "2026", "99999999999999999999", "2005"):  # once a collection exists; no format
        county.get("/county/")
        r = county.post("/county/new/", {"year": year, "county_name": "青山县"}, files={"roster": ("roster.csv", ROSTER)})
        assert r.status in (400, 409), (year, r.status)


def test_no_get_changes_anything(county_ab):
    """Every URL fetched (GET and HEAD) by the county, a body and anonymous, with real ids:
    nothing changes — no code, no decision, no board version (a link in an e-mail or an
    <img src> from another site cannot act)."""
    county, a, portal = county_ab["county"], county_ab["a"], county_ab["portal"]
    version = county.get("/county/board/version/").text
    for client in (county, a, portal.client()):
        for url in _all_urls(county_ab, guessed=False):
            for method in ("GET", "HEAD"):
                client.request(method, url)
    assert county.get("/county/board/version/").text == version
    assert a.get("/my/").status == 200 and county.get("/county/").status == 200  # nobody signed out
    assert portal.client().sign_in("140521101", county_ab["codes"]["140521101"]).status == 302


def test_every_post_needs_the_csrf_token(county_ab):
    """Every URL of urls.py posted without the token, by a signed-in county and body: refused
    (403) or not a form at all (405) — never done."""
    county, a = county_ab["county"], county_ab["a"]
    version = county.get("/county/board/version/").text
    for client in (county, a):
        for url in _all_urls(county_ab, guessed=False):
            r = client.post(url, {"note": "x", "code": "9", "name": "x", "year": "2027"}, csrf=False)
            assert r.status in (403, 405), (url, r.status)
    assert county.get("/county/board/version/").text == version
    assert portal_signs_in(county_ab)


def portal_signs_in(ctx) -> bool:
    return ctx["portal"].client().sign_in("140521101", ctx["codes"]["140521101"]).status == 302


def test_error_pages_tell_nothing_of_the_server(county_ab):
    portal, a = county_ab["portal"], county_ab["a"]
    answers = [portal.client().get("/no/such/page/"), a.get("/county/"), a.get("/my/uploads/999999/"),
               a.request("POST", "/my/upload/", b"--x\r\nbroken", {"Content-Type": "multipart/form-data; boundary=x"}),
               portal.client().get("/login/", headers={"Host": "bad host\x01"}),
               a.get("/my/uploads/99999999999999999999999/file/")]
    for r in answers:
        assert r.status in (400, 403, 404), r.status
        for leak in ("Traceback", "Django", "django", "DEBUG", "settings", str(portal.data), "waitress", "Exception"):
            assert leak not in r.text and leak not in str(r.headers), (r.status, leak)
        assert r.headers.get("server") == "nianbao"


def test_every_page_refuses_frames_and_sniffing(county_ab):
    county, a = county_ab["county"], county_ab["a"]
    b_body = county_ab["b_body"]
    for client, url in ((a, "/my/"), (a, "/my/preview/"), (county, f"/county/bodies/{b_body}/preview/"),
                        (county, "/county/download/status.xlsx"), (a, "/login/"), (a, "/my/preview.docx")):
        r = client.get(url)
        assert r.status == 200, url
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff", url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], url


def test_control_characters_in_any_field(county_ab):
    """NUL and other control characters typed (or posted) into any field: a clear answer, never
    a server error (PostgreSQL refuses NUL in text)."""
    portal, county, a = county_ab["portal"], county_ab["county"], county_ab["a"]
    a_body = county_ab["a_body"]
    evil = "140521100\x00\x1b[31m"
    c = portal.client()
    c.get("/login/")
    assert c.post("/login/", {"org_code": evil, "access_code": "\x00" * 3}).status == 401
    c.get("/county/login/")
    assert c.post("/county/login/", {"admin_code": "\x00AAAA"}).status == 401
    county.get(f"/county/bodies/{a_body}/")
    assert county.post(f"/county/bodies/{a_body}/reopen/", {"note": "请改\x00正\x07"}).status == 302
    assert "请改正" in text_of(a.get("/my/").text)
    county.get("/county/bodies/add/")
    assert county.post("/county/bodies/add/", {"code": "9\x00", "name": "新\x00单位", "kind": "部门"}).status == 400


def test_uploaded_files_come_back_only_as_attachments(county_ab):
    """A body uploads a web page, an SVG with script, and files whose names carry quotes, line
    breaks (as a browser sends them, and as HTML entities) and path parts: each is stored and
    served back, to the body and to the county, as a download that no browser runs or sniffs,
    under a name that is one header."""
    portal, a, county = county_ab["portal"], county_ab["a"], county_ab["county"]
    names = {"页面.html": b"<html><script>alert(1)</script></html>",
             "图.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(2)"/>',
             '年报 %22定稿%22.xlsx': b"PK\x03\x04 not really",
             "a&#13;&#10;Set-Cookie: x=1.xlsx": b"x",
             "..\\..\\secret_key": b"y"}
    a_body = county_ab["a_body"]
    for name, data in names.items():
        page = a.upload(name, data)
        assert page.status == 200
        pk = re.findall(r"/my/uploads/(\d+)/file/", a.get("/my/").text)[0]
        for client, url in ((a, f"/my/uploads/{pk}/file/"), (county, f"/county/uploads/{pk}/file/")):
            r = client.get(url)
            assert r.status == 200 and r.body == data, (name, url)
            assert r.headers["content-type"] == "application/octet-stream"
            assert r.headers["x-content-type-options"] == "nosniff"
            disposition = r.headers["content-disposition"]
            assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
            assert "x=1" not in r.headers.get("set-cookie", "")
            assert ".." not in disposition and "\\" not in disposition
    assert (portal.data / "secret_key").exists()
    assert county.get(f"/county/bodies/{a_body}/").status == 200
