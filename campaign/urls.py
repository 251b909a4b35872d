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
    sent_page,
    upload_pages,
    views,
    workbook_pages,
)
from campaign.models import Step

Action = Step.Action

app_name = "campaign"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<id:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<id:campaign_pk>/units/<id:unit_pk>/plan/",
        views.plan_start,
        name="plan_start",
    ),
    path("plans/<id:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<id:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<id:pk>/submit/", views.plan_action, {"action": Action.SUBMIT}, name="plan_submit"),
    path("plans/<id:pk>/return/", views.plan_action, {"action": Action.RETURN}, name="plan_return"),
    path("plans/<id:pk>/accept/", views.plan_action, {"action": Action.ACCEPT}, name="plan_accept"),
    path("plans/<id:pk>/reopen/", views.plan_action, {"action": Action.REOPEN}, name="plan_reopen"),
    path(
        "plans/<id:plan_pk>/attachments/<id:pk>/",
        upload_pages.attachment_download,
        name="attachment_download",
    ),
    path(
        "plans/<id:plan_pk>/attachments/<id:pk>/delete/",
        upload_pages.attachment_delete,
        name="attachment_delete",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("review/excel/", views.review_queue_excel, name="review_queue_excel"),
    path("reports/", annual_reports.report_list, name="report_list"),
    path(
        "campaigns/<id:campaign_pk>/units/<id:unit_pk>/reports/<id:year>/",
        annual_reports.report_start,
        name="report_start",
    ),
    path("reports/<id:pk>/", annual_reports.report_detail, name="report_detail"),
    path("reports/<id:pk>/edit/", annual_reports.report_edit, name="report_edit"),
    path(
        "reports/<id:pk>/submit/",
        annual_reports.report_action,
        {"action": Action.SUBMIT},
        name="report_submit",
    ),
    path(
        "reports/<id:pk>/return/",
        annual_reports.report_action,
        {"action": Action.RETURN},
        name="report_return",
    ),
    path(
        "reports/<id:pk>/accept/",
        annual_reports.report_action,
        {"action": Action.ACCEPT},
        name="report_accept",
    ),
    path(
        "reports/<id:pk>/reopen/",
        annual_reports.report_action,
        {"action": Action.REOPEN},
        name="report_reopen",
    ),
    path(
        "reports/<id:report_pk>/attachments/<id:pk>/",
        upload_pages.report_attachment_download,
        name="report_attachment_download",
    ),
    path(
        "reports/<id:report_pk>/attachments/<id:pk>/delete/",
        upload_pages.report_attachment_delete,
        name="report_attachment_delete",
    ),
    path(
        "campaigns/<id:campaign_pk>/units/<id:unit_pk>/reports/<id:year>/open-late/",
        open_late.report_open_late_view,
        name="report_open_late",
    ),
    path("review/reports/", annual_reports.report_queue, name="report_queue"),
    path("review/reports/excel/", annual_reports.report_queue_excel, name="report_queue_excel"),
    *obstacles.urlpatterns,
    *inspections.urlpatterns,
    *reminder_pages.urlpatterns,
    *sent_page.urlpatterns,
    *printable.urlpatterns,
    *guide.urlpatterns,
    *notice_pages.urlpatterns,
    *bulk_review.urlpatterns,
    *workbook_pages.urlpatterns,
    *search_page.urlpatterns,
]
