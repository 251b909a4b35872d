from django.urls import path

from campaign.models import Step
from reports import dashboard, excel, inspections, obstacles, reminders, summary, views

Action = Step.Action

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path(
        "campaigns/<int:campaign_pk>/units/<int:unit_pk>/reports/<int:year>/",
        views.report_start,
        name="report_start",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path(
        "reports/<int:pk>/submit/",
        views.report_action,
        {"action": Action.SUBMIT},
        name="report_submit",
    ),
    path(
        "reports/<int:pk>/return/",
        views.report_action,
        {"action": Action.RETURN},
        name="report_return",
    ),
    path(
        "reports/<int:pk>/accept/",
        views.report_action,
        {"action": Action.ACCEPT},
        name="report_accept",
    ),
    path(
        "reports/<int:pk>/reopen/",
        views.report_action,
        {"action": Action.REOPEN},
        name="report_reopen",
    ),
    path("review/reports/", views.report_queue, name="report_queue"),
    *dashboard.urlpatterns,
    *excel.urlpatterns,
    *obstacles.urlpatterns,
    *inspections.urlpatterns,
    *reminders.urlpatterns,
    *summary.urlpatterns,
]
