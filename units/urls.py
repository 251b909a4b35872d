from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/contacts/", views.unit_contacts, name="unit_contacts"),
]
