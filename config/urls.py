from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from config import health

admin.site.site_header = _("Campaign portal administration")
admin.site.site_title = _("Campaign portal")

# Annual reports, periods, obstacles, inspections and reminders moved from the reports app to
# campaign, and with them their admin pages: the old addresses lead to the new ones.
MOVED_TO_CAMPAIGN = "period|annualreport|obstacle|inspection|reminder"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(
        rf"^admin/reports/(?P<rest>(?:(?:{MOVED_TO_CAMPAIGN})/.*)?)$",
        RedirectView.as_view(url="/admin/campaign/%(rest)s", permanent=True, query_string=True),
        name="moved_admin_page",
    ),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("units.urls")),
    path("", include("campaign.urls")),
    path("", include("reports.urls")),
]
