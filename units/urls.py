from django.urls import path

from units import reorganisation_pages as pages
from units import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/contacts/", views.unit_contacts, name="unit_contacts"),
    path("reorganisations/", pages.reorganisation_list, name="reorganisation_list"),
    path("reorganisations/new/", pages.reorganisation_create, name="reorganisation_create"),
    path("reorganisations/upload/", pages.reorganisation_upload, name="reorganisation_upload"),
    path("reorganisations/<int:pk>/", pages.reorganisation_detail, name="reorganisation_detail"),
    path("reorganisations/<int:pk>/edit/", pages.reorganisation_edit, name="reorganisation_edit"),
    path("reorganisations/<int:pk>/operations/new/", pages.operation_add, name="operation_add"),
    path(
        "reorganisations/<int:pk>/operations/<int:operation_pk>/",
        pages.operation_edit,
        name="operation_edit",
    ),
    path(
        "reorganisations/<int:pk>/operations/<int:operation_pk>/delete/",
        pages.operation_delete,
        name="operation_delete",
    ),
    path(
        "reorganisations/<int:pk>/apply/",
        pages.reorganisation_apply_view,
        name="reorganisation_apply",
    ),
    path(
        "reorganisations/<int:pk>/schedule/",
        pages.reorganisation_schedule_view,
        name="reorganisation_schedule",
    ),
    path(
        "reorganisations/<int:pk>/unschedule/",
        pages.reorganisation_unschedule_view,
        name="reorganisation_unschedule",
    ),
    path(
        "reorganisations/<int:pk>/cancel/",
        pages.reorganisation_cancel_view,
        name="reorganisation_cancel",
    ),
]
