"""Putting the server-drawn SVG charts (reports.charts) into a page."""

import re

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# pygal escapes every text it writes (unit names, labels), so "<style" can only be the
# start of one of its own style elements.
_STYLE_TAG = re.compile(r"<style(?=[\s>])")


@register.simple_tag(takes_context=True)
def chart(context, svg):
    """The chart's SVG, inline, with the request's CSP nonce on its <style> elements.

    The charts are cached across requests, so the nonce, which changes with every
    response, is added here rather than when they are drawn. Asking for it is what puts
    the nonce into the response's Content-Security-Policy (django-csp).
    """
    if not svg:
        return ""
    return with_nonce(svg, context.get("request"))


def with_nonce(html: str, request: HttpRequest | None) -> SafeString:
    """`html` (charts, or a cached page part drawn with them) with the request's CSP nonce
    on every <style> element. Only pygal writes one: page text is escaped by pygal and by
    the templates' autoescaping, so "<style" never comes from what a user typed."""
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None:
        html = _STYLE_TAG.sub(f'<style nonce="{nonce}"', html)
    return mark_safe(html)  # noqa: S308 - drawn by pygal and our templates, see above
