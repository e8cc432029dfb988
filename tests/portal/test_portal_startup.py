"""Starting the portal: one server per data folder (a second one stops with a clear message and
touches nothing), the one-shot commands beside a running server, the admin code when the first
start fails, a data folder whose path has Chinese characters and spaces, and what the folder's
files let other users of the computer read."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time

import pytest
from portal_kit import ROSTER, Portal, create_collection, free_port, fresh_database, sample_orgs, text_of, workbook


def _cli(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``nianbao`` (a server that does not stop by itself within ``timeout`` is stopped and
    reported as returncode None)."""
    proc = subprocess.Popen([sys.executable, "-c", "from nianbao.cli import main; main()", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, err = proc.communicate()
        return subprocess.CompletedProcess(proc.args, None, out, err)


def test_a_second_server_on_the_same_folder_stops_and_touches_nothing(portal_factory):
    portal = portal_factory()
    spooled = portal.data / "tmp" / "upload-being-received"
    spooled.write_bytes(b"half of an upload")
    linked = portal.data / "work" / "import-in-progress"
    linked.mkdir()
    r = _cli("serve", "--data", str(portal.data), "--port", str(free_port()), timeout=30)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    said = r.stdout + r.stderr
    assert "已有一个报送平台在运行" in said and f"进程 {portal.proc.pid}" in said, said
    assert f"127.0.0.1:{portal.port}" in said  # where the running one is
    assert "管理码" not in said
    assert spooled.exists() and linked.exists()  # the running server's scratch files are untouched
    assert portal.client().get("/login/").status == 200
    # the lock goes with the process however it ends: after a SIGKILL the folder starts again
    portal.kill()
    again = portal_factory(data=portal.data)
    assert again.client().get("/login/").status == 200 and again.admin_code == ""


def test_one_shot_commands_run_beside_a_running_server(portal_factory, tmp_path):
    portal = portal_factory()
    county = portal.county()
    create_collection(county, ROSTER)
    linked = portal.data / "work" / "import-in-progress"
    linked.mkdir()
    spooled = portal.data / "tmp" / "upload-being-received"
    spooled.write_bytes(b"half of an upload")
    r = _cli("serve", "--data", str(portal.data), "--new-admin-code")
    assert r.returncode == 0, r.stdout + r.stderr
    new = r.stdout.strip().rsplit("：", 1)[1]
    r = _cli("serve", "--data", str(portal.data), "--export", str(tmp_path / "导出"))
    assert r.returncode == 0 and (tmp_path / "导出" / "名册.csv").exists(), r.stdout + r.stderr
    assert spooled.exists() and linked.exists()
    assert portal.client().sign_in_county(portal.admin_code).status == 401
    assert portal.client().sign_in_county(new).status == 302


def test_the_admin_code_is_shown_after_a_first_start_that_failed(tmp_path):
    data = tmp_path / "数据"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = _cli("serve", "--data", str(data), "--port", str(port))
    assert r.returncode == 2 and "端口可能已被占用" in r.stdout + r.stderr, r.stdout + r.stderr
    assert "管理码" not in r.stdout  # no code was shown, and none was made
    p = Portal(data).start()
    try:
        assert p.admin_code, p.started_output  # so this start shows one, and it works
        assert p.client().sign_in_county(p.admin_code).status == 302
    finally:
        p.stop()


def test_a_folder_with_chinese_characters_and_spaces(portal_factory, tmp_path):
    portal = portal_factory(data=tmp_path / "县 政务公开办" / "年报 平台 数据")
    codes = create_collection(portal.county(), ROSTER)
    org = sample_orgs()[2]
    c = portal.client()
    c.sign_in(org["code"], codes[org["code"]])
    page = text_of(c.upload("中村镇 年报（定稿）.xlsx", workbook(org)).text)
    assert "全部校验通过" in page
    assert "年报 平台 数据" in portal.started_output


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_other_users_of_the_computer_cannot_read_the_folder(portal_factory, tmp_path):
    portal = portal_factory(data=tmp_path / "新数据")
    codes = create_collection(portal.county(), ROSTER)
    org = sample_orgs()[2]
    c = portal.client()
    c.sign_in(org["code"], codes[org["code"]])
    c.upload("年报.xlsx", workbook(org))
    time.sleep(0.2)
    assert stat.S_IMODE(portal.data.stat().st_mode) == 0o700
    for path in portal.data.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


@pytest.mark.engine
def test_a_second_server_on_the_same_postgresql_database_stops(portal_factory, pg_url, tmp_path):
    """Two data folders, one database: the second server's rows would name files in the first's
    store. It stops, saying so, and the first goes on."""
    if pg_url is None:
        pytest.skip("no PostgreSQL server")
    url = fresh_database(pg_url)
    first = portal_factory(database=url)
    r = _cli("serve", "--data", str(tmp_path / "另一个文件夹"), "--database", url, "--port", str(free_port()), timeout=60)
    assert r.returncode == 2 and "已有一个报送平台在使用这个数据库" in r.stdout + r.stderr, (r.returncode, r.stdout, r.stderr)
    assert first.client().get("/login/").status == 200
    first.kill()  # the database's lock goes with the process, however it ends
    again = portal_factory(database=url, data=first.data)
    assert again.client().get("/login/").status == 200
