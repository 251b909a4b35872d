"""What every fuzzed request must satisfy, and the isolation of each example."""

import contextlib
import html
import re
import unicodedata

from django.contrib.messages import constants
from django.db import transaction
from django.forms import BaseForm, BaseFormSet

# Letters that only Vietnamese (among the languages the site could fall back to) writes:
# a message without any of them was not translated.
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)


@contextlib.contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back, so the next example starts
    from the same database, even after a database error the view did not catch."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def nfc(text):
    return unicodedata.normalize("NFC", text)


INVISIBLE_EDGES = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def as_stored(typed):
    """What a text field keeps of `typed`: NFC, its line breaks as "\n" (a lone "\r"
    too: units.forms.clean_typed_text), without blank or invisible characters at either
    end."""
    text = nfc(typed.replace("\r\n", "\n").replace("\r", "\n"))
    while text and (text[0].isspace() or text[0] in INVISIBLE_EDGES):
        text = text[1:]
    while text and (text[-1].isspace() or text[-1] in INVISIBLE_EDGES):
        text = text[:-1]
    return text


def error_messages(response):
    """Every error the page shows: the errors of each form and formset in its context, and
    the error messages of the messages framework."""
    found = []
    context = response.context
    if context is None:
        return found
    seen = set()
    for key in context.keys():  # noqa: SIM118 (a ContextList iterates over contexts)
        value = context[key]
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, BaseFormSet):
            found += [str(error) for error in value.non_form_errors()]
            if value.is_bound and not getattr(value.management_form, "errors", None):
                for form in value.forms:
                    found += _form_errors(form)
        elif isinstance(value, BaseForm):
            found += _form_errors(value)
    if "messages" in context.keys():  # noqa: SIM118
        found += [str(m) for m in context["messages"] if m.level >= constants.ERROR]
    return found


def _form_errors(form):
    if not form.is_bound:
        return []
    return [str(message) for errors in form.errors.values() for message in errors]


def assert_not_a_server_error(response):
    assert response.status_code < 500, f"the server failed with {response.status_code}"


def assert_refused_in_vietnamese(response):
    """The form came back (200 or 400) with at least one error, each one in Vietnamese and
    shown on the page."""
    assert response.status_code in (200, 400), response.status_code
    messages = error_messages(response)
    assert messages, "the form came back without saying what is wrong"
    page = html.unescape(response.content.decode())
    for message in messages:
        assert VIETNAMESE_LETTERS.search(message), f"not in Vietnamese: {message[:200]!r}"
        # The page shows the message (as much of it as does not echo the input back).
        assert message[:40] in page, f"not shown on the page: {message[:200]!r}"


def post_and_check(client, url, data, state, saved):
    """POST `data` to `url` in a rolled-back savepoint and check the outcome.

    `state()` returns everything the request could change; a refusal must leave it equal.
    `saved(response)` checks what a success (a redirect) stored.
    """
    with rolled_back():
        before = state()
        response = client.post(url, data)
        assert_not_a_server_error(response)
        if response.status_code == 302:
            saved(response)
        else:
            assert_refused_in_vietnamese(response)
            assert state() == before, "a refused request changed what was saved"
    return response


def assert_text_stored(stored, typed, limit, required=True):
    """A text field stored what was typed, normalised, within its limit."""
    assert stored == as_stored(typed or "")
    assert len(stored) <= limit
    if required:
        assert stored
