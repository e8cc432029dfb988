"""Kill the server (SIGKILL, with its import workers) in the middle of a batch of uploads and
start it again: every upload that was answered is there with its file unchanged, nothing
half-written is visible, and the board is right. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import re
import threading
import time

import pytest
from portal_kit import ROSTER, Portal, create_collection, sample_orgs, text_of, workbook


def _uploader(portal, code, access, org, answered, stop, lock):
    c = portal.client()
    try:
        c.sign_in(code, access)
        n = 0
        while not stop.is_set() and n < 8:
            n += 1
            data = workbook(org, seed=n, error=n % 2 == 1)
            c.get("/my/")
            r = c.post("/my/upload/", files={"workbook": (f"第{n}版.xlsx", data)})
            if r.status == 302:
                with lock:
                    answered.append((org["name"], int(r.location.rstrip("/").split("/")[-1]), hashlib.sha256(data).hexdigest()))
    except (OSError, http.client.HTTPException):  # the server went away: that upload was not answered
        pass


@pytest.mark.engine
def test_sigkill_during_uploads(portal, tmp_path):
    county = portal.county()
    codes = create_collection(county, ROSTER)
    orgs = [o for o in sample_orgs()][:10]
    answered, stop, lock = [], threading.Event(), threading.Lock()
    threads = [threading.Thread(target=_uploader, args=(portal, o["code"], codes[o["code"]], o, answered, stop, lock))
               for o in orgs]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(answered) < 15 and time.monotonic() < deadline:
        time.sleep(0.02)
    portal.kill()  # in the middle: other uploads are being received or checked right now
    stop.set()
    for t in threads:
        t.join(60)
    assert len(answered) >= 15

    again = Portal(portal.data, portal.database).start()
    try:
        again.admin_code = portal.admin_code
        county = again.county()
        for name, pk, sha in answered:  # every answered upload is there, its file unchanged
            page = county.get(f"/county/uploads/{pk}/")
            assert page.status == 200 and name in page.text
            f = county.get(f"/county/uploads/{pk}/file/")
            assert hashlib.sha256(f.body).hexdigest() == sha
        # nothing half-written: no upload left unchecked, no temporary file, every stored file whole
        board = county.get("/county/").text
        for o in orgs:
            body = re.search(rf"<td>{o['code']}</td>.*?/county/bodies/(\d+)/", board, re.S).group(1)
            assert "检查中" not in county.get(f"/county/bodies/{body}/").text
        assert not any((portal.data / "tmp").iterdir())
        for blob in (portal.data / "files").rglob("*"):
            if blob.is_file():
                assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name
        # the board is right: the page agrees with status.csv, recomputed from the stored files
        rows = list(csv.reader(io.StringIO(county.get("/county/download/status.csv").body.decode("utf-8-sig"))))
        for row in rows[1:14]:
            assert re.search(rf"<td>{row[1]}</td>.*?<td class=\"st st-{row[4]}\">", board, re.S), row[:5]
        # and uploads go on
        c = again.client()
        c.sign_in(orgs[0]["code"], codes[orgs[0]["code"]])
        assert "全部校验通过" in text_of(c.upload("再传.xlsx", workbook(orgs[0], seed=99)).text)
    finally:
        again.stop()
