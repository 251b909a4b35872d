from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from config import health
from config.auth import ChangePasswordForm, LoginForm, NewPasswordForm
from units.views import LimitedPasswordResetView

# Named as the portal's pages name it: "<page> · LĐLĐ tỉnh Vĩnh Long" in the tab (templates/
# base.html), "Quản trị" for the admin in its menu (templates/partials/navbar.html).
admin.site.site_title = _("Vinh Long Labour Federation")
admin.site.site_header = format_lazy("{} · {}", _("Administration"), admin.site.site_title)
admin.site.index_title = _("Administration")

# The portal's 404 page, with the reason a view gives (config.http.Explained404).
handler404 = "config.http.page_not_found"

# Annual reports, periods, obstacles, inspections and reminders moved from the reports app to
# campaign, and with them their admin pages: the old addresses lead to the new ones. The
# reports app's own index (/admin/reports/, its breadcrumb) stays: its letterheads and
# registers are kept there.
MOVED_TO_CAMPAIGN = "period|annualreport|obstacle|inspection|reminder"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, form_class=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's own password views, with the portal's templates (templates/registration/);
    # reset links sent by a worker, limited per address and per client (units/password_reset.py).
    # A reset never logs the user in, so it cannot lift a django-axes lockout: the new
    # password works once the lockout has expired (or staff clear it), like the old one.
    path(
        "password/reset/",
        LimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(
        rf"^admin/reports/(?P<rest>(?:{MOVED_TO_CAMPAIGN})/.*)$",
        RedirectView.as_view(url="/admin/campaign/%(rest)s", permanent=True, query_string=True),
        name="moved_admin_page",
    ),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("units.urls")),
    path("", include("campaign.urls")),
    path("", include("reports.urls")),
]
