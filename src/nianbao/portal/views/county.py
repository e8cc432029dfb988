"""The county office's pages: create the collection, the live board, a body's page, access
codes, late bodies, accept / reopen, and the downloads."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from .. import county, downloads, intake, library
from ..models import Body, Collection, Submission
from .body import _report, report_page, upload_context
from .common import XLSX, ZIP, county_required, file_response, page, post_only, refuse, text_field

STATUS_CLASS = {library.PASSED: "passed", library.WARNINGS: "warnings", library.ERRORS: "errors",
                library.MISSING: "missing"}


def _current_or_none():
    return county.current()


def _chosen(request):
    """The collection the county is looking at: ``?year=`` (the year selector), else the open
    one (the newest). A year that has no collection is a 404, not silently another year."""
    year = request.GET.get("year") or ""
    if not year:
        return _current_or_none()
    col = Collection.objects.filter(year=int(year)).first() if year.isdigit() and len(year) == 4 else None
    if col is None:
        raise Http404
    return col


def _q(col, open_col) -> str:
    """The query that keeps a closed year's pages on that year."""
    return "" if open_col is None or col.pk == open_col.pk else f"?year={col.year}"


@county_required
def home(request):
    col = _chosen(request)
    if col is None:
        return new_page(request)
    return board(request, col)


BOARD_FIELDS = ("pk", "position", "code", "name", "kind", "added_late", "status", "errors", "warnings", "infos",
                "uploads", "last_upload_at", "in_summary", "accepted_id", "reopened_at", "user__is_active")


def board(request, col: Collection):
    want = request.GET.get("status") or ""
    # one row per body, without the uploads' reports (the board line is on the body's row)
    bodies = col.bodies.order_by("position").values(*BOARD_FIELDS)
    counts = dict(col.bodies.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    summed = col.bodies.filter(in_summary=True).count()
    rows = [b for b in bodies if not want or b["status"] == want]
    open_col = _current_or_none()
    return page(request, "county_board.html", {
        "collection": col, "rows_html": board_rows(rows), "want": want, "total": total,
        "years": list(Collection.objects.order_by("-year").values_list("year", flat=True)),
        "open_year": open_col.year if open_col else None, "closed": open_col is not None and col.pk != open_col.pk,
        "q": _q(col, open_col), "amp": "&" if _q(col, open_col) else "?",
        "counts": [(s, counts.get(s, 0), STATUS_CLASS[s]) for s in library.STATUSES],
        "submitted": total - counts.get(library.MISSING, 0), "summed": summed,
        "status_class": STATUS_CLASS,
    })


def board_rows(rows) -> str:
    """The board's rows as HTML, every value escaped. Made here rather than in the template
    language, which takes about a millisecond a row: a county of a thousand bodies must get its
    board in well under a second (docs/portal.md, speed)."""
    from django.utils import timezone
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    out = []
    e = escape
    for b in rows:
        sent = b["uploads"] > 0
        when = _when(timezone.localtime(b["last_upload_at"])) if b["last_upload_at"] else "—"
        late = '<span class="tag">补充</span>' if b["added_late"] else ""
        if b["user__is_active"] is False:
            late += '<span class="tag revoked">访问码已停用</span>'

        decided = "已确认" if b["accepted_id"] else "已退回" if b["reopened_at"] else ""
        summed = "是" if b["in_summary"] else "否" if sent else ""
        counts = "".join(f"<td>{b[k] if sent else ''}</td>" for k in ("errors", "warnings", "infos"))
        status = e(b["status"])
        out.append(f'<tr class="row-{status}"><td>{b["position"]}</td><td>{e(b["code"])}</td>'
                   f'<td>{e(b["name"])}{late}</td><td>{e(b["kind"])}</td>'
                   f'<td class="st st-{status}">{status}</td>{counts}<td>{when}</td>'
                   f'<td>{b["uploads"]}</td><td>{summed}</td><td>{decided}</td>'
                   f'<td><a href="/county/bodies/{b["pk"]}/">查看</a></td></tr>')
    if not out:
        out.append('<tr><td colspan="13">没有这种状态的单位。</td></tr>')
    return mark_safe("\n".join(out))


def _when(t) -> str:
    """1月20日 09:05 (strftime has no portable way to drop the month's zero: not on Windows)."""
    return f"{t.month}月{t.day}日 {t:%H:%M}"


@county_required
def board_version(request):
    col = _chosen(request)
    return JsonResponse({"version": col.version if col else 0})


@county_required
def create(request):
    """GET: the form — the first collection, or 开始新年度收集 once one exists. POST: create it."""
    if request.method != "POST":
        return new_page(request)
    try:
        year = int(request.POST.get("year") or 0)
    except ValueError:
        year = 0
    if 2000 < year < 2100 and Collection.objects.filter(year=year).exists():
        return refuse(request, "该年度的收集已经建立。", 409, "/county/")
    roster = request.FILES.get("roster")  # none: the latest collection's roster (county.create)
    problem = "" if 2000 < year < 2100 else "请填写正确的报告年度（如 2026）。"
    if not problem and roster is None and _current_or_none() is None:
        problem = "请选择名册文件（CSV 或 Excel）。"
    if problem:
        return new_page(request, problem, 400)
    try:
        created = county.create(year, request.POST.get("county_name") or "", request.POST.get("county_code") or "",
                                roster, request.FILES.getlist("previous"))
    except county.CannotDo as exc:
        return new_page(request, str(exc), 400)
    return show_codes(request, created.collection, created.codes, created.roster_notes, created.previous_notes,
                      first=True)


def login_url(request) -> str:
    """The sign-in address printed for the bodies: ``--url``, else the address the county used."""
    from django.conf import settings

    return f"{settings.PUBLIC_URL}/login/" if settings.PUBLIC_URL else request.build_absolute_uri("/login/")


def only_here(url: str) -> bool:
    """The address works on this computer only (the county opened the portal as 127.0.0.1)."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


CODES_ONCE = "nianbao_codes_once"


def show_codes(request, col, issued, roster_notes=(), previous_notes=(), first=False):
    """Codes just made: held in the session until the codes page shows them, once
    (POST/redirect/GET: reloading that page cannot make new codes, which would void the ones
    just printed). They are in the session's row for the moment between the two requests only."""
    request.session[CODES_ONCE] = {"collection": col.pk, "codes": [[b.pk, c] for b, c in issued],
                                   "roster_notes": list(roster_notes), "previous_notes": list(previous_notes),
                                   "first": first}
    return redirect("/county/codes/")


def codes_page(request, col, issued, roster_notes=(), previous_notes=(), first=False):
    base = login_url(request)
    slips = [{"body": b, "code": c, "link": f"{base}#{b.code}/{c}"} for b, c in issued]
    return page(request, "county_codes.html", {"collection": col, "slips": slips, "first": first,
                                               "roster_notes": roster_notes, "previous_notes": previous_notes,
                                               "login_url": base, "only_here": only_here(base)})


def new_page(request, error: str = "", status: int = 200):
    from django.utils import timezone

    today = timezone.localdate()
    last = _current_or_none()
    form = {"year": last.year + 1 if last else (today.year - 1 if today.month <= 6 else today.year),
            "county_name": last.county_name if last else "", "county_code": last.county_code if last else ""}
    if request.method == "POST":
        form.update({k: request.POST.get(k) or "" for k in form})
    return page(request, "county_new.html", {
        "error": error, "login_url": login_url(request), "only_here": only_here(login_url(request)),
        "last": last, "last_size": last.bodies.count() if last else 0,
        "prefill": last is not None and str(form["year"]) == str(last.year + 1), **form}, status=status)


@county_required
def codes_all(request):
    """POST: new codes for every body (then shown by the GET). GET: the codes just made, once;
    afterwards a page that says why they are not shown again."""
    if request.method == "POST":
        col = _current_or_none()
        if col is None:
            raise Http404
        return show_codes(request, col, county.issue_all(col))
    held = request.session.pop(CODES_ONCE, None)
    col = Collection.objects.filter(pk=held["collection"]).first() if held else None
    if held is None or col is None:
        return page(request, "county_codes_gone.html", {"collection": _current_or_none()})
    bodies = Body.objects.in_bulk([pk for pk, _ in held["codes"]])
    issued = [(bodies[pk], code) for pk, code in held["codes"] if pk in bodies]
    return codes_page(request, col, issued, held["roster_notes"], held["previous_notes"], held["first"])


def _body(pk: int) -> Body:
    body = Body.objects.filter(pk=pk).select_related("collection", "counted", "accepted", "user").first()
    if body is None:
        raise Http404
    return body


@county_required
def body_detail(request, pk: int):
    body = _body(pk)
    history = list(county.submissions_of(body))
    return page(request, "county_body.html", {
        "body": body, "collection": body.collection, "history": history,
        "counted": upload_context(body.counted) if body.counted else None,
        "status_class": STATUS_CLASS, "has_code": bool(body.user and body.user.is_active and body.user.has_usable_password()),
        "closed": _closed(body), "q": _q(body.collection, _current_or_none()),
    })


def _closed(body: Body) -> bool:
    open_col = _current_or_none()
    return open_col is not None and body.collection_id != open_col.pk


def _open_body(request, pk: int):
    """(body, None), or (None, the refusal) when its year's collection is closed."""
    body = _body(pk)
    if _closed(body):
        return None, refuse(request, f"{body.collection.year}年度的收集已经结束，不能再更改；可以查看和下载。", 409,
                            f"/county/bodies/{pk}/")
    return body, None


@county_required
@post_only(lambda pk: f"/county/bodies/{pk}/")
def body_new_code(request, pk: int):
    body, refused = _open_body(request, pk)
    if refused:
        return refused
    return show_codes(request, body.collection, [(body, county.issue_code(body))])


@county_required
@post_only(lambda pk: f"/county/bodies/{pk}/")
def body_revoke(request, pk: int):
    body, refused = _open_body(request, pk)
    if refused:
        return refused
    county.revoke(body)
    return redirect(f"/county/bodies/{pk}/")


@county_required
@post_only(lambda pk: f"/county/bodies/{pk}/")
def body_accept(request, pk: int):
    body, refused = _open_body(request, pk)
    if refused:
        return refused
    try:
        county.accept(body)
    except county.CannotDo as exc:
        return refuse(request, str(exc), 409, f"/county/bodies/{pk}/")
    return redirect(f"/county/bodies/{pk}/")


@county_required
@post_only(lambda pk: f"/county/bodies/{pk}/")
def body_reopen(request, pk: int):
    body, refused = _open_body(request, pk)
    if refused:
        return refused
    county.reopen(body, text_field(request, "note", 500, lines=True))
    return redirect(f"/county/bodies/{pk}/")


@county_required
def body_add(request):
    col = _current_or_none()
    if col is None:
        raise Http404
    context = {"collection": col, "kinds": library.body_kinds(col.year), "form": {}}
    if request.method == "POST":
        form = {k: (request.POST.get(k) or "").strip()[:200] for k in ("code", "name", "kind")}
        try:
            body, code = county.add_body(col, form["code"], form["name"], form["kind"])
        except county.CannotDo as exc:
            return page(request, "county_add.html", {**context, "form": form, "error": str(exc)}, status=400)
        return show_codes(request, col, [(body, code)])
    return page(request, "county_add.html", context)


def _sub(pk: int) -> Submission:
    sub = Submission.objects.filter(pk=pk).select_related("body", "body__collection").first()
    if sub is None:
        raise Http404
    return sub


@county_required
def upload_detail(request, pk: int):
    sub = _sub(pk)
    return page(request, "county_upload.html", {"body": sub.body, "collection": sub.body.collection,
                                                **upload_context(sub)})


@county_required
def upload_file(request, pk: int):
    sub = _sub(pk)
    return file_response(intake.store().read(sub.sha256), downloads.stored_name(sub), "application/octet-stream")


@county_required
def body_preview(request, pk: int):
    body = _body(pk)
    report = _report(body.counted) if body.counted else None
    if report is None:
        raise Http404
    return report_page(library.render(report, "html"))


@county_required
def body_feedback(request, pk: int):
    body = _body(pk)
    name = f"反馈/{body.code}_{body.name}.xlsx"
    data = downloads.collect_files(body.collection).get(name)
    if data is None:
        return refuse(request, "该单位还没有提交，没有反馈表。", 404, f"/county/bodies/{pk}/")
    return file_response(data, name.split("/", 1)[1], XLSX)


# address name -> (collect's file, type, the name the county's browser saves it under: Chinese,
# as everything a clerk reads; the addresses and collect's own names stay ASCII)
DOWNLOADS = {
    "status.xlsx": ("status.xlsx", XLSX, "收集情况.xlsx"),
    "status.csv": ("status.csv", "text/csv; charset=utf-8", "收集情况.csv"),
    "summary.xlsx": ("summary.xlsx", XLSX, "汇总.xlsx"),
    "summary.json": ("summary.json", "application/json", "汇总.json"),
    "export.sqlite": ("export.sqlite", "application/vnd.sqlite3", "导出数据.sqlite"),
    "export.csv": ("export.csv", "text/csv; charset=utf-8", "导出数据.csv"),
    "export.findings.csv": ("export.findings.csv", "text/csv; charset=utf-8", "导出数据_问题清单.csv"),
}


@county_required
def download(request, name: str):
    col = _chosen(request)
    if col is None:
        raise Http404
    prefix = f"{col.county_name}{col.year}年度_"
    if name in DOWNLOADS:
        rel, ctype, saved_as = DOWNLOADS[name]
        return file_response(downloads.collect_files(col)[rel], prefix + saved_as, ctype)
    if name == "feedback.zip":
        return file_response(downloads.feedback_zip(downloads.collect_files(col)), prefix + "反馈.zip", ZIP)
    if name == "templates.zip":
        return file_response(downloads.templates_zip(col), prefix + "模板.zip", ZIP)
    if name == "files.zip":
        return file_response(_spooled(lambda out: downloads.export_zip(col, out)), prefix + "全部上传文件.zip", ZIP)
    raise Http404


def _spooled(write):
    """A temporary file in the data folder's tmp/ that ``write`` fills, rewound (the response
    streams it and closes it, which removes it)."""
    import tempfile

    from django.conf import settings

    out = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        write(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


@county_required
def downloads_page(request):
    col = _chosen(request)
    if col is None:
        raise Http404
    return page(request, "county_downloads.html", {"collection": col, "command": downloads.collect_command(col),
                                                   "q": _q(col, _current_or_none())})

