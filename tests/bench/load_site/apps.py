from django.apps import AppConfig


class LoadSiteConfig(AppConfig):
    name = "tests.bench.load_site"
    label = "load_site"
    default_auto_field = "django.db.models.BigAutoField"
