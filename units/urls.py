from django.urls import path

from units import reorganisation_pages as pages
from units import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<id:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<id:pk>/contacts/", views.unit_contacts, name="unit_contacts"),
    path("reorganisations/", pages.reorganisation_list, name="reorganisation_list"),
    path("reorganisations/new/", pages.reorganisation_create, name="reorganisation_create"),
    path("reorganisations/upload/", pages.reorganisation_upload, name="reorganisation_upload"),
    path("reorganisations/<id:pk>/", pages.reorganisation_detail, name="reorganisation_detail"),
    path("reorganisations/<id:pk>/edit/", pages.reorganisation_edit, name="reorganisation_edit"),
    path("reorganisations/<id:pk>/operations/new/", pages.operation_add, name="operation_add"),
    path(
        "reorganisations/<id:pk>/operations/<id:operation_pk>/",
        pages.operation_edit,
        name="operation_edit",
    ),
    path(
        "reorganisations/<id:pk>/operations/<id:operation_pk>/delete/",
        pages.operation_delete,
        name="operation_delete",
    ),
    path(
        "reorganisations/<id:pk>/apply/",
        pages.reorganisation_apply_view,
        name="reorganisation_apply",
    ),
    path(
        "reorganisations/<id:pk>/schedule/",
        pages.reorganisation_schedule_view,
        name="reorganisation_schedule",
    ),
    path(
        "reorganisations/<id:pk>/unschedule/",
        pages.reorganisation_unschedule_view,
        name="reorganisation_unschedule",
    ),
    path(
        "reorganisations/<id:pk>/cancel/",
        pages.reorganisation_cancel_view,
        name="reorganisation_cancel",
    ),
]
