"""Requests that are refused before any view reads them, in Chinese like every other page.

Two doors, because of how waitress works: it reads a request's whole body (into memory up to
512 KB, then into a temporary file) *before* it calls Django, and refuses by itself — in
English plain text — a body over its ``max_request_body_size``.

- Waitress's limit (``settings.MAX_REQUEST``) is set well above the portal's own
  (``settings.MAX_UPLOAD``), so that a file somewhat too large — the usual mistake: a scan, a
  PDF, a workbook with pictures — is read to its end and answered by :func:`too_large`, a
  middleware placed before Django's CSRF check (which would otherwise parse the form and copy
  the file to disk once more): the full portal page, with the way back. Reading to the end
  matters: a server that answers while the browser is still sending and then closes the
  connection can make the browser show "connection reset" instead of the answer.
- Above waitress's limit the request is refused by waitress, as soon as its Content-Length is
  read (or, for a chunked body, when the limit is reached), so that no request can fill the
  disk; :class:`Channel` makes that answer the portal's Chinese error page too.

Memory stays bounded either way (waitress spills bodies over 512 KB to a temporary file), and
disk by ``MAX_REQUEST`` per connection (docs/portal.md, limits).
"""

from __future__ import annotations

from django.conf import settings
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask


def limit_message(path: str) -> str:
    n = settings.MAX_UPLOAD
    mb = f"{n // 2**20} MB" if n >= 2**20 else f"{n // 1024} KB"
    if path.startswith("/county/"):
        return (f"上传的文件超过{mb}，平台不接收。名册和上年报告都很小（一般不到1 MB），"
                "请确认选的是名册文件（CSV 或 Excel）和上年报告（.json）。")
    return f"文件超过{mb}，不像是年报填报表。请确认选的是填好的模板文件。"


def back_to(path: str) -> str:
    return "/county/" if path.startswith("/county/") else "/my/" if path.startswith("/my/") else "/"


def too_large(get_response):
    """A POST whose declared size is over the portal's limit: refused unread (413)."""
    from .views.common import refuse

    limit = settings.MAX_UPLOAD + 2**20  # the form's other fields and the multipart framing

    def middleware(request):
        if request.method == "POST":
            try:
                size = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                size = 0
            if size > limit:
                return refuse(request, limit_message(request.path), 413, back_to(request.path))
        return get_response(request)

    return middleware


MESSAGES = {
    400: "请求有误，请返回上一页重试。",
    431: "请求头过长，请返回上一页重试；如一再出现，请清除浏览器中本平台的 Cookie 后重试。",
    500: "平台出现内部错误，请稍后重试；如一再出现，请告知县政务公开办。",  # an exception past Django's own handling
    501: "平台不支持这种请求，请返回上一页重试。",
}


def error_page(code: int, path: str) -> bytes:
    """The portal's error page for an answer waitress gives by itself."""
    from django.template import loader

    message = limit_message(path) if code == 413 else MESSAGES.get(code, MESSAGES[400])
    try:
        return loader.render_to_string("portal/error.html", {"message": message, "login": back_to(path)}).encode()
    except Exception:  # noqa: BLE001 - an error page must not fail itself
        return f'<!doctype html><meta charset="utf-8"><p>{message}</p><p><a href="/">返回</a></p>'.encode()


class ChineseErrorTask(ErrorTask):
    """Waitress's own answers (413 over its body limit, 400 malformed, 431 huge headers, 500
    when the application failed past Django's own error page) as the portal's Chinese HTML
    page instead of waitress's English text."""

    def execute(self):
        e = self.request.error
        body = error_page(e.code, getattr(self.request, "path", "") or "")
        self.status = f"{e.code} {e.reason}"
        self.response_headers.extend([("Content-Type", "text/html; charset=utf-8"),
                                      ("Cache-Control", "no-store")])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    error_task_class = ChineseErrorTask


def install(server) -> None:
    """Use :class:`Channel` on every listening socket of a server ``create_server`` made (one
    server, or several when the host name has several addresses)."""
    from waitress.server import BaseWSGIServer

    listeners = [server, *getattr(server, "map", {}).values()]
    for s in listeners:
        if isinstance(s, BaseWSGIServer):
            s.channel_class = Channel
