from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns
from tests.bench.load_site import views

# The portal's URLs stay, so its error pages (which link to them) render as in production.
urlpatterns = [
    path("bare/<int:client>/", views.save_row, name="bare_save_row"),
    path(
        "rung/<str:rung>/<int:campaign_pk>/<int:unit_pk>/<int:year>/",
        views.rung,
        name="bench_rung",
    ),
    *portal_urlpatterns,
]
