"""The January in a real browser: headless Chromium (Debian's) driven by Playwright.

The county clerk signs in with the admin code, creates the collection from samples/roster.csv
and prints the access codes; two bodies sign in (one by its access link, one by typing its
codes), download their template, upload an invalid and then a valid workbook, see the findings
and fix them; the clerk's board changes by itself, and the summary downloaded from the page is
the one ``nianbao collect`` gives on the same files. Screenshots of the main pages are written
to the folder printed at the end (NIANBAO_SCREENSHOTS, default: a temporary folder);
NIANBAO_UPDATE_DOCS=1 also writes the board to docs/portal-board.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from portal_kit import ROOT, YEAR, sample_orgs, workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in .[test])")
expect = playwright.expect
pytestmark = [pytest.mark.engine, pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
INBOX = ROOT / "samples" / "inbox"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("NIANBAO_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    print(f"\nportal screenshots: {folder}")


def _page(browser, dialogs):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    return page


def _run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-c", "from nianbao.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_january_in_a_browser(browser, portal_factory, shots, tmp_path):
    portal = portal_factory()
    dialogs: list[str] = []
    orgs = {o["code"]: o for o in sample_orgs()}

    # the county clerk: sign in, create the collection, print the codes
    clerk = _page(browser, dialogs)
    clerk.goto(portal.base + "/")
    clerk.screenshot(path=shots / "01-body-login.png", full_page=True)
    clerk.goto(portal.base + "/county/login/")
    clerk.fill("#admin_code", portal.admin_code)
    clerk.get_by_role("button", name="登录").click()
    clerk.wait_for_url("**/county/")
    clerk.screenshot(path=shots / "02-county-new.png", full_page=True)
    clerk.fill("#year", str(YEAR))
    clerk.fill("#county_name", "青山县")
    clerk.fill("#county_code", "140521")
    clerk.set_input_files("#roster", str(ROOT / "samples" / "roster.csv"))
    clerk.get_by_role("button", name="建立收集并生成访问码").click()
    clerk.wait_for_selector(".slip")
    assert clerk.locator(".slip").count() == 13
    clerk.screenshot(path=shots / "03-county-codes.png", full_page=True)
    links = dict(re.findall(r"/login/#(\d+)/([A-Z0-9-]{19})", clerk.content()))
    clerk.get_by_role("link", name="进入收集情况").click()
    clerk.wait_for_selector("#board")
    assert clerk.locator("td.st-未提交").count() == 13

    # body A (中村镇) opens its access link: signed in at once
    a = _page(browser, dialogs)
    a.goto(f"{portal.base}/login/#140521100/{links['140521100']}")
    a.wait_for_url("**/my/")
    assert "中村镇人民政府" in a.inner_text("h1")
    with a.expect_download() as dl:
        a.get_by_role("link", name="下载模板").click()
    template = tmp_path / dl.value.suggested_filename
    dl.value.save_as(template)
    assert template.name == f"{YEAR}_140521100_中村镇人民政府.xlsx"
    from nianbao.importer import import_workbook

    assert import_workbook(template).meta["org_code"] == "140521100"
    a.screenshot(path=shots / "04-body-home.png", full_page=True)
    bad = tmp_path / "中村镇年报.xlsx"
    bad.write_bytes(workbook(orgs["140521100"], error=True))
    assert a.inner_text("label.picker").startswith("选择填好的文件")  # Chinese, whatever the browser's language
    a.set_input_files("#workbook", str(bad))
    expect(a.locator(".picked")).to_have_text(bad.name)
    a.get_by_role("button", name="上传并检查").click()
    a.wait_for_url("**/my/uploads/*/")
    assert "有 2 处错误" in a.inner_text(".verdict")
    a_errors = a.url.split(portal.base, 1)[1]
    cells = a.locator("table.findings tbody tr").all_inner_texts()
    assert any("三、依申请公开" in r and "错误" in r for r in cells)
    a.screenshot(path=shots / "05-body-errors.png", full_page=True)

    # body B (政府办公室) types its codes; uploads the workbook it sent in the demo (errors)
    b = _page(browser, dialogs)
    b.goto(portal.base + "/login/")
    b.fill("#org_code", "140521010")
    b.fill("#access_code", links["140521010"].lower())
    b.get_by_role("button", name="登录").click()
    b.wait_for_url("**/my/")
    with b.expect_download():
        b.get_by_role("link", name="下载模板").click()
    sent = next(INBOX.rglob("2026_140521010_*.xlsx"))
    b.set_input_files("#workbook", str(sent))
    b.get_by_role("button", name="上传并检查").click()
    b.wait_for_url("**/my/uploads/*/")
    assert "处错误" in b.inner_text(".verdict")

    # the clerk's board changes by itself (no click)
    expect(clerk.locator("td.st-有错误")).to_have_count(2, timeout=20000)

    # both fix their workbooks and upload again, from the result page's own form
    good = tmp_path / "中村镇年报（改）.xlsx"
    good.write_bytes(workbook(orgs["140521100"], seed=3))
    a.set_input_files("#workbook", str(good))
    a.get_by_role("button", name="上传并检查").click()
    a.wait_for_selector(".verdict.passed")
    assert "已报送" in a.inner_text(".done")  # plainly: nothing more to send
    a.goto(portal.base + "/my/")
    assert "第2次" in a.inner_text("table.list") and "采用" in a.inner_text("table.list")
    with a.context.expect_page() as preview:
        a.get_by_role("link", name="预览年度报告").click()
    preview.value.wait_for_load_state()
    assert "中村镇人民政府" in preview.value.title()
    preview.value.screenshot(path=shots / "07-body-preview.png", full_page=True)
    a.screenshot(path=shots / "06-body-passed.png", full_page=True)
    fixed = tmp_path / "办公室年报（改）.xlsx"
    fixed.write_bytes(workbook(orgs["140521010"], seed=4, warning=True))
    b.set_input_files("#workbook", str(fixed))
    b.get_by_role("button", name="上传并检查").click()
    b.wait_for_selector(".verdict.warnings")

    expect(clerk.locator("td.st-已通过")).to_have_count(1, timeout=20000)
    expect(clerk.locator("td.st-仅有警告")).to_have_count(1, timeout=20000)
    # the rest of the county sends its demo workbooks (over HTTP, to fill the board)
    _send_the_rest(portal, links, skip={"140521100", "140521010"})
    clerk.reload()
    assert clerk.locator("td.st-未提交").count() == 1
    clerk.screenshot(path=shots / "08-county-board.png", full_page=True)
    if os.environ.get("NIANBAO_UPDATE_DOCS"):
        clerk.screenshot(path=ROOT / "docs" / "portal-board.png", full_page=True)
    clerk.get_by_role("link", name="查看").first.click()
    clerk.screenshot(path=shots / "09-county-body.png", full_page=True)

    # a narrow window (a small laptop, a phone): the pages fit, wide tables scroll by themselves
    for page, url in ((a, "/my/"), (a, a_errors), (clerk, "/county/")):
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(portal.base + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        page.screenshot(path=shots / f"11-narrow{url.replace('/', '-')}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    # the summary the clerk downloads is collect's on the same files
    clerk.goto(portal.base + "/county/downloads/")
    clerk.screenshot(path=shots / "10-county-downloads.png", full_page=True)
    with clerk.expect_download() as dl:
        clerk.get_by_role("link", name="全县汇总表 summary.xlsx").click()
    ours = tmp_path / "ours-summary.xlsx"
    dl.value.save_as(ours)
    with clerk.expect_download() as dl:
        clerk.get_by_role("link", name="全部上传文件（zip）").click()
    export = tmp_path / "export"
    assert _run_cli("serve", "--data", str(portal.data), "--export", str(export)).returncode == 0
    res = _run_cli("collect", "收件箱", "--roster", "名册.csv", "--year", str(YEAR), "-o", "out",
                   "--name", "青山县", "--code", "140521", cwd=export)
    assert res.returncode == 0, res.stdout + res.stderr
    assert ours.read_bytes() == (export / "out" / "summary.xlsx").read_bytes()
    assert dialogs == []  # no script ran that should not have (and nothing asked)


def _send_the_rest(portal, links, skip):
    from nianbao.importer import find_workbooks, import_workbook

    for path in sorted(find_workbooks([INBOX]), key=lambda p: import_workbook(p).saved_at or ""):
        r = import_workbook(path)
        code = r.meta.get("org_code") or r.report.to_json()["org"]["code"]
        if code in skip:
            continue
        c = portal.client()
        c.sign_in(code, links[code])
        c.upload(path.name, path.read_bytes())


def test_what_the_trial_met_in_a_browser(browser, portal_factory, shots, tmp_path):
    """The new-user trial's defects as Chromium shows them: a 30 MB file, a reload after a form,
    a form's address opened again, and next year's collection started from the board."""
    portal = portal_factory()
    dialogs: list[str] = []
    clerk = _page(browser, dialogs)
    clerk.goto(portal.base + "/county/login/")
    clerk.fill("#admin_code", portal.admin_code)
    clerk.get_by_role("button", name="登录").click()
    clerk.wait_for_url("**/county/")
    clerk.fill("#year", str(YEAR))
    clerk.fill("#county_name", "青山县")
    clerk.set_input_files("#roster", str(ROOT / "samples" / "roster.csv"))
    clerk.get_by_role("button", name="建立收集并生成访问码").click()
    clerk.wait_for_selector(".slip")
    links = dict(re.findall(r"/login/#(\d+)/([A-Z0-9-]{19})", clerk.content()))
    clerk.reload()  # was: a form posted again (new codes voiding the printed ones), or an English 405
    assert "访问码不再显示" in clerk.inner_text("h1")
    clerk.goto(portal.base + "/county/new/")
    assert clerk.inner_text("h1") == "开始新年度收集"

    a = _page(browser, dialogs)
    assert "文件超过20 MB" in _too_big(a, portal, links["140521100"], tmp_path)  # was: waitress's English text
    a.screenshot(path=shots / "12-body-too-large.png", full_page=True)
    a.get_by_role("link", name="返回").click()
    a.wait_for_url("**/my/")
    a.goto(portal.base + "/my/upload/")  # the form's address opened: back on the page with the form
    assert a.url.endswith("/my/") and a.locator("#workbook").count() == 1

    # next year, from the board
    clerk.goto(portal.base + "/county/")
    clerk.get_by_role("link", name="开始新年度收集").click()
    assert clerk.input_value("#year") == str(YEAR + 1) and clerk.input_value("#county_name") == "青山县"
    clerk.screenshot(path=shots / "13-county-next-year.png", full_page=True)
    clerk.get_by_role("button", name="开始新年度收集并生成访问码").click()
    clerk.wait_for_selector(".slip")
    assert clerk.locator(".slip").count() == 13 and len(dialogs) == 1 and "结束" in dialogs[0]
    clerk.get_by_role("link", name="进入收集情况").click()
    assert f"{YEAR + 1}年度收集情况" in clerk.inner_text("h1")
    clerk.get_by_role("link", name=f"{YEAR}年度").click()
    clerk.wait_for_url(f"**/county/?year={YEAR}")
    assert f"{YEAR}年度收集情况" in clerk.inner_text("h1") and clerk.locator("td.st-未提交").count() == 13
    clerk.screenshot(path=shots / "14-county-earlier-year.png", full_page=True)
    a.reload()
    assert f"{YEAR}年度的报送已经结束" in a.inner_text("p.alert")


def test_past_waitress_limit_chromium_shows_the_chinese_page(browser, portal_factory, tmp_path):
    """A file over even the size waitress reads (here: a 200 KB portal limit, a 30 MB file) is
    refused by waitress unread; Chromium still shows the portal's Chinese page, not an error."""
    from portal_kit import ROSTER, create_collection

    portal = portal_factory(env={"NIANBAO_PORTAL_MAX_UPLOAD": str(200_000)})
    codes = create_collection(portal.county(), ROSTER)
    a = _page(browser, [])
    assert "文件超过195 KB" in _too_big(a, portal, codes["140521100"], tmp_path)
    a.get_by_role("link", name="返回").click()
    a.wait_for_url("**/my/")


def _too_big(page, portal, code: str, tmp_path) -> str:
    """Body 中村镇 signs in on ``page`` and uploads a 30 MB file: the alert the page shows."""
    page.goto(f"{portal.base}/login/#140521100/{code}")
    page.wait_for_url("**/my/")
    big = tmp_path / "扫描件.xlsx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (30 * 2**20))
    page.set_input_files("#workbook", str(big))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("p.alert")
    return page.inner_text("p.alert")
