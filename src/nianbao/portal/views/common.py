"""Helpers shared by the views: who may see a page, error pages in Chinese, file answers."""

from __future__ import annotations

import unicodedata
from functools import wraps
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect, render

from ..county import current


def page(request, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, f"portal/{template}", context or {}, status=status)


def refuse(request, message: str, status: int = 403, login: str | None = None) -> HttpResponse:
    """A Chinese error page (nothing else on it)."""
    return page(request, "error.html", {"message": message, "login": login}, status=status)


def body_of(request):
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    return getattr(user, "body", None)


def body_required(view):
    """Pages of a reporting body: its own data only (the body comes from the session)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        body = body_of(request)
        if body is None:
            if request.user.is_authenticated and request.user.is_staff:
                return refuse(request, "这是填报单位的页面，县政务公开办请使用管理页面。", 403, "/county/")
            return refuse(request, "请先用本单位的访问码登录。", 403, "/login/")
        open_col = current()
        if open_col is None or body.collection_id != open_col.pk:
            # a newer year's collection has started: this year's bodies are signed out (their
            # pages would take uploads into a closed year); they sign in with the new codes
            from django.contrib.auth import logout

            from .auth import closed

            message = closed(body.collection.year, open_col.year) if open_col else "没有正在进行的收集。"
            logout(request)
            return refuse(request, message, 403, "/login/")
        request.body_obj = body
        return view(request, *args, **kwargs)
    return wrapped


def county_required(view):
    """Pages of the county office (the admin)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff and request.user.is_active):
            return refuse(request, "此页面仅供县政务公开办使用，请用管理码登录。", 403, "/county/login/")
        return view(request, *args, **kwargs)
    return wrapped


def post_only(back):
    """A form's target: a GET (a reload, a bookmark, the address typed again) is sent on to the
    page that holds the form, ``back`` (a path, or a function of the URL's arguments), rather
    than answered with an empty 405 the browser shows in English."""
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "POST":
                return redirect(back(**kwargs) if callable(back) else back)
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


def file_response(data, name: str, content_type: str) -> HttpResponse:
    """A download: ``data`` bytes, or an open binary file (streamed, then closed)."""
    if isinstance(data, bytes):
        response = HttpResponse(data, content_type=content_type)
    else:
        from django.http import FileResponse

        response = FileResponse(data, content_type=content_type)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(name)}")
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"


def csrf_failure(request, reason: str = "") -> HttpResponse:
    return refuse(request, "页面已过期或来源不明（安全校验未通过）。请返回上一页，刷新后重试。", 403)


def text_field(request, name: str, limit: int, lines: bool = False) -> str:
    """A text field as typed: stripped, without control characters (a NUL, which PostgreSQL
    refuses in text, or a terminal escape), at most ``limit`` characters."""
    keep = "\n" if lines else ""
    text = "".join(c for c in request.POST.get(name) or "" if c in keep or not unicodedata.category(c).startswith("C"))
    return text.strip()[:limit]


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "?"


def not_found(request, exception=None):
    return refuse(request, "没有这个页面，或您无权查看。", 404, "/")


def forbidden(request, exception=None):
    return refuse(request, "您无权查看这个页面。", 403, "/")


def bad_request(request, exception=None):
    return refuse(request, "请求有误，请返回上一页重试。", 400, "/")


def server_error(request):
    from django.http import HttpResponseServerError
    from django.template import loader

    try:
        html = loader.render_to_string("portal/error.html", {"message": "平台出现内部错误，请稍后重试；如一再出现，请告知县政务公开办。", "login": "/"})
    except Exception:  # noqa: BLE001 - the error page must not fail itself
        html = "<h1>平台出现内部错误，请稍后重试。</h1>"
    return HttpResponseServerError(html)
