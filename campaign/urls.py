from django.urls import path

from campaign import (
    annual_reports,
    bulk_review,
    guide,
    inspections,
    notice_pages,
    obstacles,
    open_late,
    printable,
    reminder_pages,
    search_page,
    sent,
    uploads,
    views,
    workbook_pages,
)
from campaign.models import Step

Action = Step.Action

app_name = "campaign"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:campaign_pk>/units/<int:unit_pk>/plan/",
        views.plan_start,
        name="plan_start",
    ),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path(
        "plans/<int:pk>/submit/", views.plan_action, {"action": Action.SUBMIT}, name="plan_submit"
    ),
    path(
        "plans/<int:pk>/return/", views.plan_action, {"action": Action.RETURN}, name="plan_return"
    ),
    path(
        "plans/<int:pk>/accept/", views.plan_action, {"action": Action.ACCEPT}, name="plan_accept"
    ),
    path(
        "plans/<int:pk>/reopen/", views.plan_action, {"action": Action.REOPEN}, name="plan_reopen"
    ),
    path(
        "plans/<int:plan_pk>/attachments/<int:pk>/",
        uploads.attachment_download,
        name="attachment_download",
    ),
    path(
        "plans/<int:plan_pk>/attachments/<int:pk>/delete/",
        uploads.attachment_delete,
        name="attachment_delete",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("reports/", annual_reports.report_list, name="report_list"),
    path(
        "campaigns/<int:campaign_pk>/units/<int:unit_pk>/reports/<int:year>/",
        annual_reports.report_start,
        name="report_start",
    ),
    path("reports/<int:pk>/", annual_reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", annual_reports.report_edit, name="report_edit"),
    path(
        "reports/<int:pk>/submit/",
        annual_reports.report_action,
        {"action": Action.SUBMIT},
        name="report_submit",
    ),
    path(
        "reports/<int:pk>/return/",
        annual_reports.report_action,
        {"action": Action.RETURN},
        name="report_return",
    ),
    path(
        "reports/<int:pk>/accept/",
        annual_reports.report_action,
        {"action": Action.ACCEPT},
        name="report_accept",
    ),
    path(
        "reports/<int:pk>/reopen/",
        annual_reports.report_action,
        {"action": Action.REOPEN},
        name="report_reopen",
    ),
    path(
        "reports/<int:report_pk>/attachments/<int:pk>/",
        uploads.report_attachment_download,
        name="report_attachment_download",
    ),
    path(
        "reports/<int:report_pk>/attachments/<int:pk>/delete/",
        uploads.report_attachment_delete,
        name="report_attachment_delete",
    ),
    path(
        "campaigns/<int:campaign_pk>/units/<int:unit_pk>/reports/<int:year>/open-late/",
        open_late.report_open_late_view,
        name="report_open_late",
    ),
    path("review/reports/", annual_reports.report_queue, name="report_queue"),
    *obstacles.urlpatterns,
    *inspections.urlpatterns,
    *reminder_pages.urlpatterns,
    *sent.urlpatterns,
    *printable.urlpatterns,
    *guide.urlpatterns,
    *notice_pages.urlpatterns,
    *bulk_review.urlpatterns,
    *workbook_pages.urlpatterns,
    *search_page.urlpatterns,
]
