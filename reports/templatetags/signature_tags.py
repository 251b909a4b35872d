"""The signature state of an issued summary's stored PDF, for its page
(templates/reports/summary/signature.html)."""

from django import template

from reports import signing

register = template.Library()


@register.simple_tag
def summary_signature(summary):
    """The Verification of `summary`'s stored PDF (cached by its name), or None when it has
    no PDF yet."""
    if summary.render_state != summary.RenderState.DONE or summary.is_draft:
        return None
    return signing.verify_stored(summary.pdf)
