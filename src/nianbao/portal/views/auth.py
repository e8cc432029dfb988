"""Signing in and out: bodies with their code and access code, the county office with the
admin code. Django's own authentication and sessions; failed attempts are limited
(:mod:`nianbao.portal.throttle`)."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .. import codes, throttle
from ..county import current
from ..models import Body
from .common import body_of, client_ip, page, text_field

TOO_MANY = "登录失败次数过多，请15分钟后再试。如忘记访问码，请联系县政务公开办重新生成。"


def home(request):
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("/county/")
    if body_of(request) is not None:
        return redirect("/my/")
    return redirect("/login/")


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
        # one hash whether or not the body exists (Django hashes for an unknown user too), so
        # the time of the answer does not tell which codes are on the roster
        user = authenticate(request, username=codes.username_for(col.pk if col else 0, org_code), password=typed)
        if user is not None and (user.is_staff or Body.objects.filter(user=user, collection=col).first() is None):
            user = None
        if user is None:
            throttle.failed(ip, account)
            context["error"] = "单位代码或访问码不对，请核对后重新输入（访问码不区分大小写）。"
            return page(request, "login.html", context, status=401)
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


@require_POST
def sign_out(request):
    staff = request.user.is_authenticated and request.user.is_staff
    logout(request)
    return redirect("/county/login/" if staff else "/login/")
