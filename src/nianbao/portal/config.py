"""What the settings need from the data folder and the command line, without Django."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit


def secret_key(data: Path) -> str:
    """The site's secret key (signs sessions and CSRF tokens): made on first start, kept in
    the data folder, readable by its owner only."""
    path = data / "secret_key"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        tmp = data / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
        try:
            os.link(tmp, path)  # first writer wins when two processes start at once
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


class BadDatabase(ValueError):
    """A database address that cannot be used (the message says why, in Chinese)."""


def database(url: str, data: Path) -> dict:
    """Django's DATABASES entry: SQLite under the data folder by default, or the address
    ``postgresql://user:password@host:port/name`` (``?sslmode=…`` and other libpq options
    pass through). A three-field URL is parsed here rather than with a package for it."""
    if not url:
        return _sqlite(data / "portal.sqlite3")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return _sqlite(Path(unquote(parts.path)))
    if parts.scheme not in ("postgres", "postgresql"):
        raise BadDatabase(f"数据库地址“{parts.scheme}://…”不支持，请用 postgresql://用户:密码@主机:端口/库名")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise BadDatabase("数据库地址中缺少库名，例如 postgresql://nianbao:密码@127.0.0.1:5432/nianbao")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def _sqlite(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # one writer at a time, waiting instead of failing; WAL lets pages read meanwhile
        "OPTIONS": {"timeout": 60, "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"},
    }


class BadUrl(ValueError):
    """An address given with --url that cannot be the portal's (the message says why)."""


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an address given with ``--url``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUrl(f"--url 应为各单位打开平台用的地址，如 http://10.1.2.3:8000/ 或 https://nianbao.example.gov.cn/，而不是“{url}”")
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
