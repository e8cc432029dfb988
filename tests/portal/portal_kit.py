"""Test kit for the portal: a real ``nianbao serve`` process on a free loopback port (SQLite
under a temporary data folder, or a fresh database on the test PostgreSQL server), and a small
HTTP client that keeps cookies and sends Django's CSRF token like a browser's form would."""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Client:
    """Cookies, CSRF and multipart, over http.client; redirects are not followed."""

    base: str
    cookies: dict = field(default_factory=dict)
    csrf: str = ""
    source: str = ""  # the address the requests come from (another loopback address: another PC)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        u = urlsplit(self.base)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60,
                                          source_address=(self.source, 0) if self.source else None)
        h = {"Host": f"{u.hostname}:{u.port}", **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for value in r.headers.get_all("Set-Cookie") or ():
            c = SimpleCookie()
            c.load(value)
            for k, morsel in c.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(k, None)
                else:
                    self.cookies[k] = morsel.value
        headers_out = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        resp = Response(r.status, headers_out, data)
        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data)
        if m:
            self.csrf = m.group(1).decode()
        return resp

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def follow(self, path: str, limit: int = 5) -> Response:
        r = self.get(path)
        while r.status in (301, 302, 303) and limit:
            r, limit = self.get(urlsplit(r.location).path or "/"), limit - 1
        return r

    def post(self, path: str, data: dict | None = None, files: dict | None = None, csrf: bool = True,
             referer: bool = True, headers: dict | None = None) -> Response:
        data = dict(data or {})
        if csrf:
            if not self.csrf:
                self.get("/login/")
            data.setdefault("csrfmiddlewaretoken", self.csrf)
        headers = {**({"Referer": self.base + path} if referer else {}), **(headers or {})}
        if files:
            body, ctype = multipart(data, files)
        else:
            body, ctype = urlencode(data).encode(), "application/x-www-form-urlencoded"
        headers["Content-Type"] = ctype
        return self.request("POST", path, body, headers)

    def post_follow(self, path: str, data: dict | None = None, **kw) -> Response:
        """Post a form, then fetch the page it sends the browser to (POST/redirect/GET)."""
        r = self.post(path, data, **kw)
        return self.follow(urlsplit(r.location).path) if r.status in (302, 303) else r

    def upload(self, name: str, data: bytes) -> Response:
        """Upload a workbook as a body, then fetch the page the upload redirects to."""
        if not self.csrf:
            self.get("/my/")
        r = self.post("/my/upload/", files={"workbook": (name, data)})
        if r.status in (302, 303):
            return self.get(r.location)
        return r

    def sign_in(self, org_code: str, access_code: str) -> Response:
        self.get("/login/")
        r = self.post("/login/", {"org_code": org_code, "access_code": access_code})
        self.csrf = ""  # Django rotates the token at sign-in: the next form's page has the new one
        return r

    def sign_in_county(self, admin_code: str) -> Response:
        self.get("/county/login/")
        r = self.post("/county/login/", {"admin_code": admin_code})
        self.csrf = ""
        return r


def multipart(data: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----nianbao" + secrets.token_hex(8)
    out = []
    for k, v in data.items():
        for item in (v if isinstance(v, list) else [v]):
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{item}\r\n'.encode())
    for k, spec in files.items():
        for name, content in (spec if isinstance(spec, list) else [spec]):
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def text_of(html: str) -> str:
    """The visible text of a page, roughly (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)))


def _die_with_parent() -> None:
    """In the server's process, before it starts (Linux): end it when the test or benchmark that
    started it dies, however it dies (a timeout's SIGKILL leaves no chance to stop it)."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Portal:
    """A ``nianbao serve`` process."""

    def __init__(self, data: Path, database: str = "", env: dict | None = None, args=()):
        self.data, self.database, self.env, self.args = Path(data), database, dict(env or {}), list(args)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.admin_code = ""
        self.proc: subprocess.Popen | None = None
        self.log = self.data.parent / f"{self.data.name}-server-{self.port}.log"

    def start(self, timeout: float = 60) -> "Portal":
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-c", "from nianbao.cli import main; main()", "serve", "--data", str(self.data),
               "--port", str(self.port)]
        if self.database:
            cmd += ["--database", self.database]
        cmd += self.args
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.logfile = open(self.log, "ab")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.logfile, env=env,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        lines = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode("utf-8", "replace")
            if not line:
                break
            lines.append(line)
            m = re.search(r"管理码（只显示这一次，请抄下保存）：(\S+)", line)
            if m:
                self.admin_code = m.group(1)
            if "按 Ctrl+C 停止" in line:
                self.started_output = "".join(lines)
                return self
        self.stop()
        raise RuntimeError("portal did not start:\n" + "".join(lines) + self.log.read_text(errors="replace")[-3000:])

    def client(self, source: str = "") -> Client:
        return Client(self.base, source=source)

    def county(self) -> Client:
        c = self.client()
        r = c.sign_in_county(self.admin_code)
        assert r.status == 302, r.text[:500]
        return c

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close()

    def kill(self) -> None:
        """SIGKILL the server (and its import workers, in its process group)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(20)
        self._close()

    def _close(self) -> None:
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "logfile", None):
            self.logfile.close()


def create_collection(county: Client, roster: bytes, name: str = "青山县", code: str = "140521",
                      roster_name: str = "roster.csv", year: int = YEAR, previous=()) -> dict[str, str]:
    """Create the year's collection; returns the access code of each body (from the codes page)."""
    county.get("/county/")
    files = {"roster": (roster_name, roster)}
    if previous:
        files["previous"] = list(previous)
    r = county.post("/county/new/", {"year": str(year), "county_name": name, "county_code": code}, files=files)
    assert r.status == 302 and r.location.endswith("/county/codes/"), text_of(r.text)[:2000]
    return codes_on(county.get("/county/codes/").text)


def codes_on(html: str) -> dict[str, str]:
    """Body code -> access code, read from a codes page's access links."""
    return dict(re.findall(r"/login/#([^/<\s]+)/([A-Z0-9-]{19})", html))


def database_name() -> str:
    return "nb_test_" + uuid.uuid4().hex[:12]


def fresh_database(base_url: str) -> str:
    """A new empty database on the server of ``base_url``; returns its address."""
    import psycopg

    name = database_name()
    with psycopg.connect(base_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = base_url.rpartition("/")
    return f"{head}/{name}"


# ---- sample data -------------------------------------------------------------------------------

ROSTER = (ROOT / "samples" / "roster.csv").read_bytes()
_ms = None


def samples():
    """scripts/make_samples.py (the library's sample workbooks), loaded once."""
    global _ms
    if _ms is None:
        _ms = load_script("make_samples")
    return _ms


def sample_orgs() -> list[dict]:
    import csv
    import io

    return [dict(r) for r in csv.DictReader(io.StringIO(ROSTER.decode("utf-8")))]


def workbook(org: dict, *, seed: int = 1, error: bool = False, warning: bool = False, blank: bool = False,
             saved_at=None, texts: dict | None = None) -> bytes:
    """A filled workbook for ``org``: valid, or with an R1 error, or with the 信息处理费 warning."""
    vals = samples().body_values(seed)
    if error:
        vals["t3.received.natural_person"] += 2
        vals.update(samples().recompute_totals(samples().FMT, vals))
    t = samples().body_texts(org, YEAR, fee_statement=not warning)
    t.update(texts or {})
    return samples().filled_workbook(year=YEAR, org=org, values=vals, texts=t, saved_at=saved_at, blank=blank)
