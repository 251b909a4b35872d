"""Third-party and contrib apps configured for the portal."""

from axes.apps import AppConfig as AxesConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.translation import gettext_lazy as _

# django-bootstrap-static ships every build of Bootstrap (9 MB: grid, reboot and utilities
# alone, right to left, ES modules, unminified, jQuery). The pages link bootstrap.min.css and
# bootstrap.bundle.min.js (templates/base.html), whose source maps the manifest storage
# follows from their last lines; hashing and compressing the rest made most of a deployment's
# collectstatic (40 s of CPU).
UNUSED_BOOTSTRAP = [
    "bootstrap/css/bootstrap-*",
    "bootstrap/css/*.rtl.*",
    "bootstrap/css/bootstrap.css",
    "bootstrap/css/bootstrap.css.map",
    "bootstrap/js/bootstrap.js",
    "bootstrap/js/bootstrap.js.map",
    "bootstrap/js/bootstrap.min.js*",
    "bootstrap/js/bootstrap.esm*",
    "bootstrap/js/bootstrap.bundle.js*",
    "bootstrap/js/jquery*",
]


class PortalAxesConfig(AxesConfig):
    """django-axes under a Vietnamese name: the admin heads its lists (failed logins,
    lockouts) with the app's name, which axes leaves as "Axes"."""

    verbose_name = _("Logins")


class PortalStaticFilesConfig(StaticFilesConfig):
    """collectstatic leaves out the Bootstrap builds no page links."""

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, *UNUSED_BOOTSTRAP]
