"""What a new user's trial of the portal found (issue 10): each defect as it was met, on the
real served portal (SQLite; the database-dependent parts run on both in the other files)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from portal_kit import ROSTER, YEAR, create_collection, sample_orgs, text_of, workbook

ORGS = {o["code"]: o for o in sample_orgs()}
A = "140521100"


@pytest.fixture
def county_a(portal_factory):
    """A served portal, its county signed in, body A signed in."""
    portal = portal_factory()
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
    new = re.findall(r"/login/#[^/]+/([A-Z0-9-]{19})", county.post(f"/county/bodies/{body}/new-code/").text)[0]
    assert portal.client().sign_in(A, new).status == 302
    assert "访问码已停用" not in county.get("/county/").text
