"""A deployment collects the static files the pages use, not every build a package ships."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from config.apps import UNUSED_BOOTSTRAP


def collected(prefix):
    """The paths collectstatic copies under `prefix`, with the ignore patterns it applies."""
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    return {
        path
        for finder in get_finders()
        for path, _storage in finder.list(patterns)
        if path.startswith(prefix)
    }


def test_only_the_bootstrap_files_the_pages_link_are_collected_with_their_source_maps():
    assert set(UNUSED_BOOTSTRAP) <= set(apps.get_app_config("staticfiles").ignore_patterns)
    assert collected("bootstrap/") == {
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/css/bootstrap.min.css.map",
        "bootstrap/js/bootstrap.bundle.min.js",
        "bootstrap/js/bootstrap.bundle.min.js.map",
    }


def test_every_static_file_a_template_links_is_collected():
    linked = {
        match
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in re.findall(r"{% static ['\"]([^'\"]+)['\"] %}", template.read_text())
    }
    assert "bootstrap/js/bootstrap.bundle.min.js" in linked
    assert linked <= collected("")
