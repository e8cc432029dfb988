"""A reporting body's pages: its status and the three steps (download the template, fill it
in, upload it), the findings of each upload, its history, the preview of its report. Every
object is looked up through the signed-in body, so another body's ids give 404."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from .. import county, intake, library
from ..downloads import stored_name
from ..models import Submission
from .common import DOCX, XLSX, body_required, file_response, page, post_only, refuse

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _findings(sub: Submission) -> list[dict]:
    if sub.result is None:
        return []
    report = _report(sub)
    rows = library.finding_rows(report, sub.result)
    for r in rows:
        r["severity_zh"] = SEVERITY_ZH.get(r["severity"], r["severity"])
    return rows


def _report(sub: Submission) -> dict | None:
    """The upload's report as the board has it (roster name, cross-year rules), or None."""
    if sub.result is None:
        return None
    return sub.report if sub.report is not None else sub.result.get("report")


SHOWN = 20  # warnings and infos listed before the rest is folded away (an unfilled template has hundreds)


def upload_context(sub: Submission) -> dict:
    rows = _findings(sub)
    errors = [r for r in rows if r["severity"] == "error"]
    others = [r for r in rows if r["severity"] != "error"]
    return {"sub": sub, "findings": errors + others[:SHOWN], "more": others[SHOWN:],
            "counted": sub.body.counted_id == sub.pk, "stored_name": stored_name(sub)}


@body_required
def home(request):
    body = request.body_obj
    history = list(county.submissions_of(body))
    latest = history[0] if history else None
    return page(request, "body_home.html", {
        "body": body, "collection": body.collection, "history": history,
        "latest": upload_context(latest) if latest else None,
        "max_mb": settings.MAX_UPLOAD // 2**20, "locked": body.accepted_id is not None,
    })


@body_required
def template(request):
    body = request.body_obj
    name, data = library.template(body.collection.year, body.org,
                                  county.previous_json(body.collection, body.code))
    return file_response(data, name, XLSX)


@body_required
@post_only("/my/")
def upload(request):
    body = request.body_obj
    if body.accepted_id is not None:
        return refuse(request, "县政务公开办已确认接收本单位的报告，不能再上传。如需修改，请联系县政务公开办重新开放。",
                      409, "/my/")
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.MAX_UPLOAD + 2**16:
        return too_large(request)
    f = request.FILES.get("workbook")
    if f is None or f.size == 0:
        return refuse(request, "没有选择文件（或文件是空的）。请点“选择文件”选中填好的工作簿，再点“上传并检查”。", 400, "/my/")
    if f.size > settings.MAX_UPLOAD:
        return too_large(request)
    with intake.one_at_a_time(body.pk) as free:
        if not free:
            return refuse(request, "本单位上一份文件还在检查，请等它出结果后再上传（一般几秒钟）。", 429, "/my/")
        sub = intake.receive(body, f.chunks(), f.name or "未命名.xlsx", request.user)
        intake.check(sub)
    return redirect(f"/my/uploads/{sub.pk}/")


def too_large(request):
    from ..frontdoor import limit_message

    return refuse(request, limit_message(request.path), 413, "/my/")


def _own(request, pk: int) -> Submission:
    sub = Submission.objects.filter(pk=pk, body=request.body_obj).select_related("body", "body__collection").first()
    if sub is None:
        raise Http404
    return sub


@body_required
def upload_detail(request, pk: int):
    sub = _own(request, pk)
    return page(request, "body_upload.html", {"body": request.body_obj, "collection": request.body_obj.collection,
                                              **upload_context(sub),
                                              "max_mb": settings.MAX_UPLOAD // 2**20,
                                              "locked": request.body_obj.accepted_id is not None})


@body_required
def upload_file(request, pk: int):
    sub = _own(request, pk)
    return file_response(intake.store().read(sub.sha256), stored_name(sub), "application/octet-stream")


@body_required
def preview(request):
    body = request.body_obj
    if body.counted is None:
        return refuse(request, "还没有可采用的提交，无法预览。", 404, "/my/")
    report = _report(body.counted)
    if report is None:
        raise Http404
    return report_page(library.render(report, "html"))


@body_required
def preview_docx(request):
    body = request.body_obj
    report = _report(body.counted) if body.counted else None
    if report is None:
        raise Http404
    return file_response(library.render(report, "docx"), f"{body.collection.year}年{body.name}政府信息公开工作年度报告.docx", DOCX)


def report_page(html: bytes) -> HttpResponse:
    """The render output as its own page: its inline styles allowed, nothing else (sandboxed:
    no script, no form, no link out of it can act)."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; "
                                           "frame-ancestors 'none'")
    return response
