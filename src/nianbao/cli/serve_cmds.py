"""``nianbao serve``: the county submission portal (needs ``pip install 'nianbao[portal]'``).
Django and waitress are imported inside the command, so ``nianbao --help`` stays fast."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from . import app
from .common import DEBUG, EXIT_CLEAN, fail, guard, say


@app.command("serve")
def serve_cmd(
    data: Path = typer.Option(..., "--data", help="数据文件夹（数据库、上传文件都在这里；备份时整个复制）"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；局域网内访问用本机局域网地址或 0.0.0.0"),
    port: int = typer.Option(8000, "--port", help="端口"),
    database: str = typer.Option("", "--database", metavar="URL",
                                 help="PostgreSQL 地址 postgresql://用户:密码@主机:端口/库名（默认：数据文件夹中的 SQLite；也可用环境变量 NIANBAO_DATABASE_URL）"),
    new_admin_code: bool = typer.Option(False, "--new-admin-code", help="生成新的管理码（旧的失效），显示后退出"),
    url: str = typer.Option("", "--url", metavar="URL",
                            help="各单位打开平台用的地址，印在访问码上，如 http://10.1.2.3:8000/（默认：县里打开平台时用的地址）"),
    export: Optional[Path] = typer.Option(None, "--export",
                                          help="把全部上传文件按收件箱导出到文件夹（可用 nianbao collect 核对）后退出"),
    workers: int = typer.Option(2, "--workers", help="检查上传文件的进程数"),
    proxy: str = typer.Option("", "--proxy", metavar="ADDR",
                              help="前面有反向代理（如提供 HTTPS 的网站服务器）时，代理的地址（如 127.0.0.1）：采信它转来的各单位地址"),
    debug: bool = DEBUG,
) -> None:
    """启动年报报送平台：各单位在浏览器中上传、立即看到检查结果；县政务公开办看收集情况并下载汇总。"""
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
    except ImportError:
        fail("报送平台需要另外安装：pip install 'nianbao[portal]'（bash scripts/setup.sh 已包含）")
    from ..portal import server

    database = database or os.environ.get("NIANBAO_DATABASE_URL", "")
    with guard(debug):
        try:
            one_shot = new_admin_code or export is not None
            server.setup(data, database, url, serve_at="" if one_shot else f"http://{host}:{port}/")
            if new_admin_code:
                say(f"新的管理码（旧的已失效，只显示这一次）：{server.new_admin_code()}")
                raise typer.Exit(EXIT_CLEAN)
            if export is not None:
                what, n = server.export(export)
                say(f"已把{what}的{n}个文件导出到 {export}")
                raise typer.Exit(EXIT_CLEAN)
            server.run(host, port, workers=max(1, workers), proxy=proxy)
        except server.CannotStart as exc:
            fail(str(exc))
    raise typer.Exit(EXIT_CLEAN)
