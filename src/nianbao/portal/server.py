"""Starting the portal: settings from the data folder, migrations, the admin code on first
start, the import workers, the check of uploads left unchecked, then waitress (a production
WSGI server that also runs on Windows)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

THREADS = 8


class CannotStart(Exception):
    """The portal cannot start; the message says why in Chinese."""


_LOCK: list = []  # the data folder's lock (and the database's), held while this process serves them


def setup(data: Path, database: str = "", url: str = "", serve_at: str = "") -> None:
    """Configure Django for the data folder (and database, and the address bodies use) and
    bring the database up to date. ``serve_at`` (the address the server will listen on): this
    process is going to serve the folder, so it takes the folder's lock first (one server per
    folder) and empties the scratch folders; the one-shot commands (``--new-admin-code``,
    ``--export``) leave both alone, so that they can run beside a running server."""
    from .config import BadUrl, origin

    data = Path(data).resolve()
    try:
        if url:
            origin(url)  # a bad --url stops the start, rather than every form later
    except BadUrl as exc:
        raise CannotStart(str(exc)) from None
    _folder(data, serve_at)
    os.environ["NIANBAO_PORTAL_DATA"] = str(data)
    os.environ["NIANBAO_PORTAL_DATABASE"] = database or ""
    if url:
        os.environ["NIANBAO_PORTAL_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "nianbao.portal.settings"
    import django
    from django.core.management import call_command
    from django.db.utils import OperationalError

    from .config import BadDatabase

    try:
        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
    except BadDatabase as exc:
        raise CannotStart(str(exc)) from None
    except OperationalError as exc:
        raise CannotStart(f"无法连接数据库：{str(exc).strip().splitlines()[0]}") from None
    if serve_at:
        _database_lock()
    from django.conf import settings

    from .store import Store

    Store(settings.DATA).setup(clean=bool(serve_at))


DATABASE_LOCK = 0x6E69616E62616F  # "nianbao": the key of the advisory lock a server holds on its database


def _database_lock() -> None:
    """On PostgreSQL, one server per database too: two data folders on one database would have
    rows naming files in the other's store. A session advisory lock, held on a connection of its
    own for the life of the process (the server drops it when the process ends, however)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    conn = connection.get_new_connection(connection.get_connection_params())
    conn.autocommit = True
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", (DATABASE_LOCK,)).fetchone()[0]:
        conn.close()
        raise CannotStart(f"已有一个报送平台在使用这个数据库（{connection.settings_dict['NAME']}）："
                          "一个数据库只能由一个平台使用。请直接使用那个平台，或先停止它。")
    _LOCK.append(conn)


def _folder(data: Path, serve_at: str) -> None:
    """Make the data folder; when serving it, take its lock, and let what the server writes be
    readable by the portal's own user only (the database, the uploads)."""
    if serve_at and os.name == "posix":
        os.umask(0o077)
    try:
        data.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CannotStart(f"无法建立数据文件夹 {data}（{exc.strerror or exc}）") from None
    if serve_at and not _LOCK:
        from .lock import Held, hold

        try:
            _LOCK.append(hold(data, serve_at))
        except Held as exc:
            raise CannotStart(str(exc)) from None
        except OSError as exc:
            raise CannotStart(f"无法使用数据文件夹 {data}（{exc.strerror or exc}）") from None


def new_admin_code() -> str:
    from .county import set_admin_code

    return set_admin_code()


def export(folder: Path, year: int | None = None) -> tuple[str, int]:
    """Write the current (or ``year``'s) collection's export into ``folder``."""
    from .downloads import write_export
    from .models import Collection

    col = (Collection.objects.filter(year=year) if year else Collection.objects.order_by("-year")).first()
    if col is None:
        raise CannotStart("平台中还没有建立收集" if year is None else f"平台中没有{year}年度的收集")
    return f"{col.county_name}{col.year}年度", write_export(col, folder)


def _stop(*_) -> None:
    raise KeyboardInterrupt


def run(host: str, port: int, *, threads: int = THREADS, workers: int = 2, proxy: str = "", say=print) -> None:
    """Serve until stopped (Ctrl+C or SIGTERM). The port is taken first and the admin code made
    last, just before it is printed: a first start that fails (the port is taken, say) leaves no
    admin code nobody saw, and the next start makes and prints one."""
    from django.conf import settings
    from django.core.management import call_command
    from waitress import create_server

    from . import frontdoor, intake, throttle
    from . import workers as pool
    from .county import has_admin, set_admin_code
    from .wsgi import application

    try:
        # behind a reverse proxy (--proxy): its X-Forwarded-For is each body's address (for the
        # sign-in limit) and its X-Forwarded-Proto the scheme; from anyone else both are dropped
        behind = {"trusted_proxy": proxy, "trusted_proxy_count": 1,
                  "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}} if proxy else {}
        server = create_server(application, host=host, port=port, threads=threads, ident="nianbao",
                               max_request_body_size=settings.MAX_REQUEST,
                               clear_untrusted_proxy_headers=True, **behind)
        frontdoor.install(server)  # waitress's own refusals in Chinese too
    except OSError as exc:
        raise CannotStart(f"无法在 {host}:{port} 上启动（{exc.strerror or exc}）；端口可能已被占用，可用 --port 换一个") from None
    try:
        call_command("clearsessions", verbosity=0)
        throttle.forget_old()
        pool.start(workers)
        n = intake.recover()
        if n:
            say(f"已检查上次停止时尚未检查的{n}份上传。")
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        base = f"http://{shown}:{server.effective_port}"
        say(f"年报报送平台已启动：{base}/")
        say(f"县政务公开办：{base}/county/ 　各单位登录：{settings.PUBLIC_URL or base}/login/")
        if host in ("127.0.0.1", "localhost", "::1"):
            say("（只有本机能打开；让局域网内其他电脑访问，请加 --host 0.0.0.0 和 --url http://本机局域网地址:端口/）")
        say(f"数据文件夹：{settings.DATA}（备份：停止平台后复制整个文件夹）")
        if not has_admin():
            say(f"县政务公开办管理码（只显示这一次，请抄下保存）：{set_admin_code()}")
            say("忘记管理码时运行：nianbao serve --data 数据文件夹 --new-admin-code")
        say("按 Ctrl+C 停止。")
        sys.stdout.flush()
        for name in ("SIGTERM", "SIGINT"):  # SIGINT too: a shell may start it with Ctrl+C ignored
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _stop)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
    finally:
        server.close()
        pool.stop()
    say("平台已停止。")
