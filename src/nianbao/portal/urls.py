"""Every URL of the portal (the access-control tests walk this list)."""

from django.urls import path

from .views import auth, body, county

urlpatterns = [
    path("", auth.home),
    path("login/", auth.body_login),
    path("county/login/", auth.county_login),
    path("logout/", auth.sign_out),
    # a reporting body
    path("my/", body.home),
    path("my/template/", body.template),
    path("my/upload/", body.upload),
    path("my/uploads/<int:pk>/", body.upload_detail),
    path("my/uploads/<int:pk>/file/", body.upload_file),
    path("my/preview/", body.preview),
    path("my/preview.docx", body.preview_docx),
    # the county office
    path("county/", county.home),
    path("county/new/", county.create),
    path("county/board/version/", county.board_version),
    path("county/codes/", county.codes_all),
    path("county/bodies/add/", county.body_add),
    path("county/bodies/<int:pk>/", county.body_detail),
    path("county/bodies/<int:pk>/new-code/", county.body_new_code),
    path("county/bodies/<int:pk>/revoke/", county.body_revoke),
    path("county/bodies/<int:pk>/accept/", county.body_accept),
    path("county/bodies/<int:pk>/reopen/", county.body_reopen),
    path("county/bodies/<int:pk>/preview/", county.body_preview),
    path("county/bodies/<int:pk>/feedback.xlsx", county.body_feedback),
    path("county/uploads/<int:pk>/", county.upload_detail),
    path("county/uploads/<int:pk>/file/", county.upload_file),
    path("county/downloads/", county.downloads_page),
    path("county/download/<str:name>", county.download),
]

handler404 = "nianbao.portal.views.common.not_found"
handler500 = "nianbao.portal.views.common.server_error"
handler400 = "nianbao.portal.views.common.bad_request"
handler403 = "nianbao.portal.views.common.forbidden"
