"""Signing in, as an attacker on the county's network would try it: whose failures lock whom
out (other computers, many bodies behind one address, a reverse proxy), what the time of an
answer tells, session fixation, sign-out, expiry, redirects, how codes and the secret key are
kept. Other computers are other loopback addresses (127.0.0.2, …)."""

from __future__ import annotations

import re
import sqlite3
import stat
import statistics
import time
from datetime import datetime, timedelta, timezone

import pytest
from portal_kit import ROSTER, create_collection, sample_orgs, workbook

WRONG = "AAAA-AAAA-AAAA-AAAA"


@pytest.fixture
def county_codes(portal_factory):
    portal = portal_factory()
    return portal, create_collection(portal.county(), ROSTER)


def test_failures_from_another_computer_do_not_lock_a_body_out(county_codes):
    """Body codes are public (the roster): anyone could otherwise keep a body from signing in
    on the last day by typing ten wrong codes for it every quarter of an hour."""
    portal, codes = county_codes
    attacker = portal.client(source="127.0.0.2")
    for _ in range(12):
        assert attacker.sign_in("140521100", WRONG).status in (401, 429)
    assert attacker.sign_in("140521100", WRONG).status == 429  # that computer is stopped for this body
    assert portal.client().sign_in("140521100", codes["140521100"]).status == 302  # the body is not
    # the county office likewise
    for _ in range(12):
        portal.client(source="127.0.0.2").sign_in_county(WRONG)
    assert portal.client().sign_in_county(portal.admin_code).status == 302


def test_many_bodies_behind_one_address(county_codes):
    """Townships reaching the county through one NAT address share it: their typing mistakes
    (fifty of them in a quarter of an hour, on the last day) must not lock them all out."""
    portal, codes = county_codes
    orgs = [o["code"] for o in sample_orgs()]
    for i in range(50):
        assert portal.client().sign_in(orgs[i % len(orgs)], WRONG).status == 401
    assert portal.client().sign_in("140521101", codes["140521101"]).status == 302


def test_one_address_cannot_try_without_end(county_codes):
    portal, codes = county_codes
    statuses = [portal.client(source="127.0.0.3").sign_in(f"9{i:08d}", WRONG).status for i in range(110)]
    assert statuses[:100] == [401] * 100 and set(statuses[100:]) == {429}
    assert portal.client(source="127.0.0.3").sign_in("140521102", codes["140521102"]).status == 429
    assert portal.client().sign_in("140521102", codes["140521102"]).status == 302


def test_forwarded_addresses_are_ignored_without_a_proxy(county_codes):
    """X-Forwarded-For is believed only from the proxy named with --proxy (test_portal_proxy):
    otherwise anyone could be a new computer at every try."""
    portal, codes = county_codes
    for i in range(12):
        c = portal.client(source="127.0.0.4")
        c.get("/login/")
        c.request("POST", "/login/", _form(c, "140521100", WRONG),
                  {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": f"10.0.0.{i}"})
    assert portal.client(source="127.0.0.4").sign_in("140521100", codes["140521100"]).status == 429


def _form(client, org_code: str, access_code: str) -> bytes:
    from urllib.parse import urlencode

    return urlencode({"csrfmiddlewaretoken": client.csrf, "org_code": org_code, "access_code": access_code}).encode()


def test_an_unknown_body_code_takes_as_long_as_a_wrong_access_code(county_codes):
    """The time of the answer must not tell which body codes are on the roster: a wrong code
    costs one hash of the access code (PBKDF2, some milliseconds), an unknown body as much."""
    import hashlib

    portal, _ = county_codes
    hashing = statistics.median(_timed(lambda: hashlib.pbkdf2_hmac("sha256", b"x" * 19, b"salt" * 5, 20_000))
                                for _ in range(9))
    orgs = [o["code"] for o in sample_orgs()]
    differences = []
    for i in range(60):  # pairs, either first in turn: the load of the moment weighs on both alike
        pair = {}
        for code in ((orgs[i % len(orgs)], f"77{i:07d}") if i % 2 else (f"77{i:07d}", orgs[i % len(orgs)])):
            c = portal.client(source=f"127.0.1.{i}")
            c.get("/login/")
            pair[code in orgs] = _timed(lambda c=c, code=code: c.post("/login/", {"org_code": code, "access_code": WRONG}))
        differences.append(pair[True] - pair[False])
    d = statistics.median(differences)
    assert d < hashing / 2, f"a known code takes {d * 1000:.1f} ms longer (a hash: {hashing * 1000:.1f} ms)"


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_a_session_made_elsewhere_is_not_taken_over(county_codes):
    """Session fixation: a session key planted in a body's browser (the attacker's own, signed
    in as another body) is replaced at sign-in, and the attacker's copy is dead."""
    portal, codes = county_codes
    attacker = portal.client()
    attacker.sign_in("140521101", codes["140521101"])
    planted = attacker.cookies["nianbao_session"]
    victim = portal.client()
    victim.cookies["nianbao_session"] = planted
    assert victim.sign_in("140521100", codes["140521100"]).status == 302
    assert victim.cookies["nianbao_session"] != planted
    assert "中村镇" in victim.get("/my/").text
    r = attacker.get("/my/")
    assert "中村镇" not in r.text


def test_signing_out_ends_the_session_on_the_server(county_codes):
    portal, codes = county_codes
    c = portal.client()
    c.sign_in("140521100", codes["140521100"])
    c.get("/my/")
    kept = dict(c.cookies)
    assert c.post("/logout/").status == 302
    replay = portal.client()
    replay.cookies.update(kept)
    assert replay.get("/my/").status == 403
    signed_in = portal.client()
    signed_in.sign_in("140521100", codes["140521100"])
    r = signed_in.get("/logout/")  # no sign-out by a link: sent back to its own page, still signed in
    assert r.status == 302 and r.location == "/" and signed_in.get("/my/").status == 200


def test_sessions_expire_after_a_working_day(county_codes):
    portal, codes = county_codes
    c = portal.client()
    c.sign_in("140521100", codes["140521100"])
    with sqlite3.connect(portal.data / "portal.sqlite3") as db:
        (expires,) = db.execute("SELECT expire_date FROM django_session WHERE session_key = ?",
                                (c.cookies["nianbao_session"],)).fetchone()
    left = datetime.fromisoformat(expires).replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(hours=7, minutes=58) < left <= timedelta(hours=8)


def test_no_redirect_leaves_the_portal(county_codes):
    portal, codes = county_codes
    for path, form, where in (("/login/?next=https://evil.example/", {"org_code": "140521100", "access_code": codes["140521100"]}, "/my/"),
                              ("/county/login/?next=//evil.example/", {"admin_code": portal.admin_code}, "/county/")):
        c = portal.client()
        c.get(path)
        r = c.post(path, form)
        assert r.status == 302 and r.location == where, (path, r.location)
    for path in ("/?next=https://evil.example/", "//evil.example/", "/\\evil.example/", "/login/..//evil.example"):
        r = portal.client().get(path)
        assert "evil.example" not in r.location, (path, r.location)


def test_codes_and_the_secret_key_are_kept_safely(county_codes, portal_factory):
    portal, codes = county_codes
    with sqlite3.connect(portal.data / "portal.sqlite3") as db:
        stored = dict(db.execute("SELECT username, password FROM auth_user"))
    dump = (portal.data / "portal.sqlite3").read_bytes()
    for code in [portal.admin_code, *codes.values()]:
        assert code.encode() not in dump and code.replace("-", "").encode() not in dump
    assert len(stored) == 14 and all(re.fullmatch(r"nianbao_pbkdf2_sha256\$20000\$\w+\$\S{40,}", h) for h in stored.values())
    key = portal.data / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_text().strip()) >= 50
    other = portal_factory()
    assert (other.data / "secret_key").read_text() != key.read_text()  # one per data folder
    county = portal.county()
    portal.stop()
    again = portal_factory(data=portal.data)  # kept: sessions made before a restart still hold
    assert again.admin_code == "" and (again.data / "secret_key").read_text() == key.read_text()
    county.base = again.base
    assert county.get("/county/").status == 200


def test_behind_an_https_reverse_proxy(portal_factory):
    """docs/portal.md: HTTPS by a reverse proxy in front, the portal on 127.0.0.1, started with
    --url (the address bodies use) and --proxy (the proxy's address). Forms posted through it
    work (the browser's Origin is https://…), and the sign-in limit sees each computer."""
    portal = portal_factory(args=["--url", "https://nb.county.example/", "--proxy", "127.0.0.1"])
    codes = create_collection(portal.county(), ROSTER)
    org = sample_orgs()[2]

    def via_proxy(computer: str, host: str = "nb.county.example") -> dict:
        return {"Host": host, "Origin": "https://nb.county.example", "X-Forwarded-Proto": "https",
                "X-Forwarded-For": computer}

    for host in ("nb.county.example", f"127.0.0.1:{portal.port}"):  # the proxy keeps the Host, or not
        c = portal.client()
        c.get("/login/", headers=via_proxy("10.1.1.1", host))
        r = c.post("/login/", {"org_code": org["code"], "access_code": codes[org["code"]]},
                   headers={**via_proxy("10.1.1.1", host), "Referer": "https://nb.county.example/login/"})
        assert r.status == 302, r.text[:300]
        c.get("/my/", headers=via_proxy("10.1.1.1", host))
        r = c.post("/my/upload/", files={"workbook": ("年报.xlsx", workbook(org))},
                   headers={**via_proxy("10.1.1.1", host), "Referer": "https://nb.county.example/my/"})
        assert r.status == 302, r.text[:300]
    # a form from elsewhere is still refused
    c = portal.client()
    c.get("/login/", headers=via_proxy("10.1.1.1"))
    r = c.post("/login/", {"org_code": org["code"], "access_code": codes[org["code"]]},
               headers={**via_proxy("10.1.1.1"), "Origin": "https://evil.example"})
    assert r.status == 403
    # each computer behind the proxy has its own count
    for _ in range(11):
        c = portal.client()
        c.get("/login/", headers=via_proxy("10.1.1.2"))
        c.post("/login/", {"org_code": org["code"], "access_code": WRONG}, headers=via_proxy("10.1.1.2"))
    c = portal.client()
    c.get("/login/", headers=via_proxy("10.1.1.3"))
    r = c.post("/login/", {"org_code": org["code"], "access_code": codes[org["code"]]}, headers=via_proxy("10.1.1.3"))
    assert r.status == 302
