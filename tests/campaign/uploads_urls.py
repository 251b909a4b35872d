"""A URLconf for tests/campaign/test_uploads.py alone, so those tests do not depend on how
far the rest of the site's URLs and templates have got: the attachment views by their real
names and paths, the login page, a stand-in for the plan page (which shows the messages, as
tests.pages.messages_of reads them), and bare error pages (the site's 403/404 templates link
to pages this URLconf does not have)."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.template import engines
from django.urls import include, path

from campaign import upload_pages

PLAN_PAGE = "plan {{ pk }}{% for message in messages %}\n{{ message }}{% endfor %}"


def plan_detail(request, pk):
    page = engines["django"].from_string(PLAN_PAGE)
    return HttpResponse(page.render({"pk": pk}, request))


def not_found(request, exception):
    return HttpResponseNotFound("not found")


def forbidden(request, exception):
    return HttpResponseForbidden("forbidden")


handler404 = not_found
handler403 = forbidden

campaign_urlpatterns = [
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path(
        "plans/<int:plan_pk>/attachments/<int:pk>/",
        upload_pages.attachment_download,
        name="attachment_download",
    ),
    path(
        "plans/<int:plan_pk>/attachments/<int:pk>/delete/",
        upload_pages.attachment_delete,
        name="attachment_delete",
    ),
]

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("", include((campaign_urlpatterns, "campaign"))),
]
