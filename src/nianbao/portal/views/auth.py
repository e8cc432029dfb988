"""Signing in and out: bodies with their code and access code, the county office with the
admin code. Django's own authentication and sessions; failed attempts are limited
(:mod:`nianbao.portal.throttle`)."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect

from .. import codes, throttle
from ..county import current
from ..models import Body, Collection
from .common import body_of, client_ip, page, post_only, text_field

TOO_MANY = "登录失败次数过多，请15分钟后再试。如忘记访问码，请联系县政务公开办重新生成。"


def home(request):
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("/county/")
    if body_of(request) is not None:
        return redirect("/my/")
    return redirect("/login/")


WRONG = "单位代码或访问码不对，请核对后重新输入（访问码不区分大小写）。"
REVOKED = "本单位的访问码已被县政务公开办停用，不能再登录。请联系县政务公开办重新生成访问码。"


def closed(year: int, open_year: int) -> str:
    return (f"这是{year}年度收集的访问码，{year}年度的报送已经结束；现在进行的是{open_year}年度的收集。"
            f"请使用县政务公开办发给本单位的{open_year}年度访问码。")


def _accounts(col, org_code: str):
    """The accounts the typed body code names: in the open collection, and in the latest earlier
    one that has that body (None where there is none)."""
    from django.contrib.auth import get_user_model

    if col is None:
        return None, None
    names = {codes.username_for(pk, org_code): year
             for pk, year in Collection.objects.filter(year__lte=col.year).values_list("pk", "year")}
    users = sorted(get_user_model().objects.filter(username__in=names), key=lambda u: -names[u.username])
    now = next((u for u in users if names[u.username] == col.year), None)
    before = next((u for u in users if names[u.username] < col.year), None)
    return now, before


def _check(request, col, org_code: str, typed: str):
    """(user, message): the body's user when the code is right for the open year and in use;
    else None and what to say. A refusal always costs two hashes (one against the open year's
    account, one against an earlier year's, each made up where there is no such account, as
    Django does for an unknown user), so the time of the answer tells nothing of which body
    codes exist in which year. Only a right code learns that it was revoked or that its year
    is closed."""
    from django.contrib.auth import get_user_model

    now, before = _accounts(col, org_code)
    if now is not None and not now.is_active:  # revoked: the hash is kept to say so
        if now.check_password(typed):
            return None, REVOKED
    else:
        user = authenticate(request, username=codes.username_for(col.pk if col else 0, org_code), password=typed)
        body = Body.objects.filter(user=user, collection=col).first() if user is not None and not user.is_staff else None
        if body is not None:
            return user, ""
    if before is not None:
        if before.check_password(typed):
            year = Body.objects.filter(user=before).values_list("collection__year", flat=True).first()
            return None, closed(year, col.year)
    else:
        get_user_model()().set_password(typed)  # the same work as a check
    return None, WRONG


def body_login(request):
    col = current()
    context = {"collection": col, "code": "", "error": ""}
    if request.method == "POST":
        org_code = text_field(request, "org_code", 60)
        typed = codes.normalise(request.POST.get("access_code") or "")[:40]
        context["code"] = org_code
        account = f"body:{col.pk if col else 0}:{org_code}"
        ip = client_ip(request)
        if throttle.blocked(ip, account):
            context["error"] = TOO_MANY
            return page(request, "login.html", context, status=429)
        user, context["error"] = _check(request, col, org_code, typed)
        if user is None:
            if context["error"] == WRONG:
                throttle.failed(ip, account)
                return page(request, "login.html", context, status=401)
            return page(request, "login.html", context, status=403)
        throttle.succeeded(ip, account)
        login(request, user)
        return redirect("/my/")
    return page(request, "login.html", context)


def county_login(request):
    context = {"error": ""}
    if request.method == "POST":
        typed = codes.normalise(request.POST.get("admin_code") or "")[:40]
        ip = client_ip(request)
        if throttle.blocked(ip, "admin"):
            context["error"] = TOO_MANY.replace("联系县政务公开办重新生成", "在服务器上运行 nianbao serve --data 数据文件夹 --new-admin-code 重新生成")
            return page(request, "county_login.html", context, status=429)
        user = authenticate(request, username=codes.ADMIN_USERNAME, password=typed)
        if user is None or not user.is_staff:
            throttle.failed(ip, "admin")
            context["error"] = "管理码不对，请核对后重新输入。"
            return page(request, "county_login.html", context, status=401)
        throttle.succeeded(ip, "admin")
        login(request, user)
        return redirect("/county/")
    return page(request, "county_login.html", context)


@post_only("/")  # the page the user is on has the 退出 button; a GET must not sign out (another site could)
def sign_out(request):
    staff = request.user.is_authenticated and request.user.is_staff
    logout(request)
    return redirect("/county/login/" if staff else "/login/")
