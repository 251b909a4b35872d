"""The HTTP methods a view answers, by what it does (the rest get 405).

A page that only shows answers GET and HEAD (`require_safe`); a page with a form answers
those and POST (`require_form`); an action answers POST alone (`require_POST`). Every view
in the URLconf carries one: tests/security/test_http_methods.py walks them.
"""

from django.views.decorators.http import require_http_methods, require_POST, require_safe

require_form = require_http_methods(["GET", "HEAD", "POST"])

__all__ = ["require_POST", "require_form", "require_safe"]
