"""The access matrix: every URL of the URLconf, asked by every kind of user, about their own
objects and about another subtree's, with the outcome written down.

The URLs come from the URLconf itself, so a view added later without a line here fails
("not in the matrix") instead of going untested. Each line gives, for GET and for POST
(empty, with the CSRF check off: test_csrf checks the token), the outcome for each column:

    anonymous  stranger  outsider  officer  reviewer  viewer

- anonymous: not signed in;
- stranger: signed in, no role anywhere;
- outsider: officer of B1 and reviewer and viewer of district B, asking about A's objects
  ("own") and about B's objects ("other", their own subtree);
- officer of grassroots A1, reviewer of district A, viewer of district A.

Outcomes: a status code, or where a redirect goes: L to the login page, A to the admin's
login page, R any other redirect (the view's own: to the object, or back with a message).
An object outside what the user may see is a 404 (its existence is not revealed), one they
see without the needed role a 403.
"""

import pytest

from tests.security.matrix import ROLES, Asker, outcome, stand_ins, walk
from tests.security.route_urls import ADMIN_NAMESPACE, QUERY, URL_KWARGS, url_for

pytestmark = pytest.mark.django_db


def E(get, post):  # a line of the table
    return {"get": get.split(), "post": post.split()}


STAFF_PAGES = {name for name in URL_KWARGS if name.startswith("units:reorganisation")} | {
    "units:operation_add",
    "units:operation_edit",
    "units:operation_delete",
}
SIDED = (
    (set(URL_KWARGS) | set(QUERY)) - {"moved_admin_page", "password_reset_confirm"} - STAFF_PAGES
)

# Views that log in or out or change the language: asked with a client of their own.
FRESH_CLIENT = {"login", "logout", "set_language"}

# Every URL of the admin site needs staff status, which nobody here has: whatever the
# page, GET or POST, everyone is sent to the admin's login page. Only that page answers.
ADMIN_EVERYWHERE = E("A A A A A A", "A A A A A A")

MATRIX = {
    #                anonymous stranger outsider officer reviewer viewer
    "login": E("200 R R R R R", "200 R R R R R"),
    "logout": E("405 405 405 405 405 405", "L L L L L L"),
    "set_language": E("R R R R R R", "R R R R R R"),
    # The admin's own pages that everybody reaches: its login form (a signed-in non-staff
    # user is told they lack access), its logout (back to its index, hence to its login),
    # and the translation catalogue treebeard's tree page loads.
    "admin:login": E("200 200 200 200 200 200", "200 200 200 200 200 200"),
    "admin:logout": E("R R R R R R", "R R R R R R"),
    "admin:javascript-catalog": E("200 200 200 200 200 200", "405 405 405 405 405 405"),
    # For the reverse proxy's and monitoring's checks: says only whether services answer.
    # The admin's old addresses of the models moved to campaign: a redirect, for everybody.
    "moved_admin_page": E("R R R R R R", "R R R R R R"),
    "healthz": E("200 200 200 200 200 200", "405 405 405 405 405 405"),
    # Passwords: anybody may ask for a reset link (the answer never says whether the
    # address is known) and open one; only the signed-in change their password.
    "password_reset": E("200 200 200 200 200 200", "200 200 200 200 200 200"),
    "password_reset_done": E("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "password_reset_confirm": E("200 200 200 200 200 200", "200 200 200 200 200 200"),
    "password_reset_complete": E("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "password_change": E("L 200 200 200 200 200", "L 200 200 200 200 200"),
    "password_change_done": E("L 200 200 200 200 200", "L 405 405 405 405 405"),
    # --- pages: GET-only views render again on a POST (the CSRF token still applies) ------
    "units:home": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    # Reorganisations are the federation administrators' (staff), whom nobody here is.
    "units:reorganisation_list": E("L 403 403 403 403 403", "405 405 405 405 405 405"),
    "units:reorganisation_create": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_upload": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_detail": E("L 403 403 403 403 403", "405 405 405 405 405 405"),
    "units:reorganisation_edit": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_apply": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_schedule": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_cancel": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:reorganisation_unschedule": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:operation_add": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:operation_edit": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:operation_delete": E("L 403 403 403 403 403", "L 403 403 403 403 403"),
    "units:unit_detail": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "units:unit_contacts": {
        "own": E("L 404 404 403 200 403", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:campaign_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:campaign_detail": {
        "own": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    },
    # --- plans: officers file for their unit, reviewers act on the units below them ---------
    # The own plan is a draft: submitting it is the officer's step, the reviewers' steps
    # are refused with a message (R); starting a plan that exists opens it (R), and a form
    # posted to start it comes back with the input and a link to it (200).
    "campaign:plan_start": {
        "own": E("L 404 404 R 403 403", "L 404 404 200 403 403"),
        "other": E("L 404 R 404 404 404", "L 404 200 404 404 404"),
    },
    "campaign:plan_detail": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:plan_edit": {
        "own": E("L 404 404 200 403 403", "L 404 404 200 403 403"),
        "other": E("L 404 200 404 404 404", "L 404 200 404 404 404"),
    },
    "campaign:plan_submit": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 403 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:plan_return": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:plan_accept": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:plan_reopen": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:attachment_download": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:attachment_delete": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 403 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    # The printable copy and the PDF: whoever sees the plan (or report) may print it.
    "campaign:plan_print": {
        "own": E("L 404 404 200 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    "campaign:plan_pdf": {
        "own": E("L 404 404 200 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    "campaign:review_queue": E("L 403 200 403 200 403", "405 405 405 405 405 405"),
    # The lists' Excel files: whoever opens the list, read only.
    "campaign:review_queue_excel": E("L 403 200 403 200 403", "405 405 405 405 405 405"),
    # --- annual reports: the own report is accepted, so it is locked (editing it goes back
    # to the report, R) and only a reviewer's reopen applies (400: the reason is missing).
    "campaign:report_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    # Starting a report that exists opens it (R); a form posted to start it comes back
    # with the input (200): here the year is locked too, which the form says.
    "campaign:report_start": {
        "own": E("L 404 404 R 403 403", "L 404 404 200 403 403"),
        "other": E("L 404 R 404 404 404", "L 404 200 404 404 404"),
    },
    # The scan of a paper report: like a plan's files. A1's report is accepted, so its
    # officer's removal is refused with a message (R); B1's is returned and editable.
    "campaign:report_attachment_download": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:report_attachment_delete": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 403 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    # Opening a late draft: the unit's reviewer only; both units have a report already, so
    # the reviewer is sent to it (R). Someone who sees the unit without reviewing it: 403.
    "campaign:report_open_late": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:report_detail": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:report_edit": {
        "own": E("L 404 404 R 403 403", "L 404 404 200 403 403"),
        "other": E("L 404 R 404 404 404", "L 404 200 404 404 404"),
    },
    "campaign:report_submit": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 403 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:report_return": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:report_accept": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:report_reopen": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 400 403"),
        "other": E("L 405 405 405 405 405", "L 404 400 404 404 404"),
    },
    "campaign:report_queue": E("L 403 200 403 200 403", "405 405 405 405 405 405"),
    "campaign:report_queue_excel": E("L 403 200 403 200 403", "405 405 405 405 405 405"),
    "campaign:report_print": {
        "own": E("L 404 404 200 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    "campaign:report_pdf": {
        "own": E("L 404 404 200 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    # What the user's units have sent: their own, whatever their roles.
    # The search: everyone signed in searches within what they may see (read only).
    "campaign:search": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:sent_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    # The help page holds no data: open to everyone, read only.
    "campaign:help": E("200 200 200 200 200 200", "405 405 405 405 405 405"),
    # --- Excel templates: the officers who file for the unit download and upload them (an
    # empty upload is refused, 400); an upload waiting for its confirmation is its user's
    # alone (here with nothing to save: confirming goes back to the preview, R).
    "campaign:workbook_reports_download": {
        "own": E("L 404 404 200 403 403", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:workbook_reports_upload": {
        "own": E("L 404 404 200 403 403", "L 404 404 400 403 403"),
        "other": E("L 404 200 404 404 404", "L 404 400 404 404 404"),
    },
    "campaign:workbook_plan_download": {
        "own": E("L 404 404 200 403 403", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:workbook_plan_upload": {
        "own": E("L 404 404 200 403 403", "L 404 404 400 403 403"),
        "other": E("L 404 200 404 404 404", "L 404 400 404 404 404"),
    },
    "campaign:workbook_preview": {
        "own": E("L 404 404 200 404 404", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:workbook_confirm": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 404 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:workbook_discard": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 404 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    # --- the dashboard and its Excel file, about `?unit=`: officers their own unit,
    # reviewers and viewers their subtree, anyone else a 404.
    "reports:dashboard": {
        "own": E("L 403 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 403 200 404 404 404", "405 405 405 405 405 405"),
    },
    "reports:dashboard_excel": {
        "own": E("L 403 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 403 200 404 404 404", "405 405 405 405 405 405"),
    },
    # --- obstacles, inspections and reminders: raised by officers, answered, recorded and
    # sent by reviewers. obstacle_create takes `?report=` to fill in its form.
    "campaign:obstacle_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:obstacle_list_excel": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:obstacle_create": {
        "own": E("L 403 404 200 403 403", "L 403 200 200 403 403"),
        "other": E("L 403 200 404 403 403", "L 403 200 200 403 403"),
    },
    "campaign:obstacle_detail": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:obstacle_answer": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 400 403"),
        "other": E("L 405 405 405 405 405", "L 404 400 404 404 404"),
    },
    "campaign:obstacle_close": {
        "own": E("L 405 405 405 405 405", "L 404 404 R R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:inspection_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:inspection_list_excel": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:inspection_create": E("L 403 200 403 200 403", "L 403 200 403 200 403"),
    "campaign:inspection_detail": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    # The visit made no recommendation: its reviewer is sent back to it with a message (R),
    # as the inspected unit's officer marking them done is; others who see it may not (403).
    "campaign:inspection_follow_up": {
        "own": E("L 405 405 405 405 405", "L 404 404 403 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:inspection_done": {
        "own": E("L 405 405 405 405 405", "L 404 404 R 403 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "campaign:late_units": E("L 403 200 403 200 403", "405 405 405 405 405 405"),
    "campaign:remind_units": E("L 405 405 405 405 405", "L 403 404 403 404 403"),
    "campaign:reminder_log": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    # --- notices: each user's own. Opening one marks it read and goes to its page (R);
    # another user's is a 404 whatever their roles.
    "campaign:notice_list": E("L 200 200 200 200 200", "405 405 405 405 405 405"),
    "campaign:notice_open": {
        "own": E("L 404 404 R 404 404", "405 405 405 405 405 405"),
        "other": E("L 404 R 404 404 404", "405 405 405 405 405 405"),
    },
    "campaign:notice_read_all": E("L 405 405 405 405 405", "L R R R R R"),
    # The letter to a late unit: its reviewer gets the PDF, another reviewer is sent back
    # to the list with a message (R); an empty POST names no campaign (404).
    "campaign:reminder_letter": {
        "own": E("L 403 R 403 200 403", "L 403 404 403 404 403"),
        "other": E("L 403 200 403 R 403", "L 403 404 403 404 403"),
    },
    # The queue's bulk step: the confirmation page lists only what the reviewer may see
    # (another's item is counted as not found, never named); an empty POST goes back to
    # the queue with a message (R).
    "campaign:bulk_review": {
        "own": E("L 403 200 403 200 403", "L 403 R 403 R 403"),
        "other": E("L 403 200 403 200 403", "L 403 R 403 R 403"),
    },
    # --- summary reports: the own one of district A is issued with its PDF (readable by
    # reviewers and viewers, written by reviewers); its draft exists only for reviewers.
    # Anyone signed in may check whether a PDF is one the portal issued: the answer
    # reveals only what the uploaded file itself says.
    "reports:document_check": E("L 200 200 200 200 200", "L 200 200 200 200 200"),
    # The digital signature of a plan's or report's attached file: whoever may download the
    # file, and nobody else (the same fetch through the scope); read only.
    "reports:plan_attachment_check": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "reports:report_attachment_check": {
        "own": E("L 404 404 200 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "reports:summary_list": E("L 403 200 403 200 200", "405 405 405 405 405 405"),
    "reports:summary_create": E("L 403 200 403 200 403", "L 403 200 403 200 403"),
    "reports:summary_detail": {
        "own": E("L 404 404 404 200 200", "405 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "405 405 405 405 405 405"),
    },
    "reports:summary_edit": {
        "own": E("L 404 404 404 200 404", "L 404 404 404 200 404"),
        "other": E("L 404 200 404 404 404", "L 404 200 404 404 404"),
    },
    "reports:summary_issue": {
        "own": E("L 405 405 405 405 405", "L 404 404 404 R 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "reports:summary_refigure": {
        "own": E("L 405 405 405 405 405", "L 404 404 404 R 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "reports:summary_correct": {
        "own": E("L 405 405 405 405 405", "L 404 404 404 R 403"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "reports:summary_retry": {
        "own": E("L 405 405 405 405 405", "L 404 404 404 R 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "reports:summary_discard": {
        "own": E("L 405 405 405 405 405", "L 404 404 404 R 404"),
        "other": E("L 405 405 405 405 405", "L 404 R 404 404 404"),
    },
    "reports:summary_status": {
        "own": E("L 404 404 404 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    "reports:summary_pdf": {
        "own": E("L 404 404 404 200 200", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
    "reports:summary_preview": {
        "own": E("L 404 404 404 200 404", "L 405 405 405 405 405"),
        "other": E("L 404 200 404 404 404", "L 405 405 405 405 405"),
    },
}


# --- the test ---------------------------------------------------------------------------------
def expected_for(route):
    if route.key in MATRIX:
        return MATRIX[route.key]
    if route.pattern.name is None or route.key.startswith(ADMIN_NAMESPACE + ":"):
        return ADMIN_EVERYWHERE
    return None


def observe(asker, route, url, unread=None):
    """The outcomes of `url` by method and role; with `unread`, a list, the stand-ins the
    portal's pages show (matrix.stand_ins) are added to it."""
    fresh = route.key in FRESH_CLIENT
    observed = {"get": [], "post": []}
    for method in observed:
        for role in ROLES:
            response = asker.ask(role, method, url, fresh)
            observed[method].append(outcome(response))
            if unread is not None and method == "get":
                unread += [f"{url} as {role}: …{text}" for text in stand_ins(response)]
    return observed


def line(observed):
    return f'E("{" ".join(observed["get"])}", "{" ".join(observed["post"])}")'


# Some thousand requests in one test: minutes on a loaded two-core machine.
@pytest.mark.timeout(900)
def test_every_url_answers_every_role_as_written_down(world):
    """…and, read on the way, no page of the portal shows Django's English stand-in for a
    blank choice or a missing value (the admin keeps Django's own)."""
    asker = Asker(world.users)
    problems, unread = [], []
    for route in walk():
        expected = expected_for(route)
        sides = ["own", "other"] if route.key in SIDED else [None]
        if expected is None:
            observed = {
                side: observe(asker, route, url_for(route, getattr(world, side or "own"), world))
                for side in sides
            }
            if sides == [None]:
                written = line(observed[None])
            else:
                written = "{" + ", ".join(f'"{s}": {line(observed[s])}' for s in sides) + "}"
            problems.append(f'new view not in the matrix: "{route.key}": {written},')
            continue
        for side in sides:
            want = expected[side] if side else expected
            url = url_for(route, getattr(world, side or "own"), world)
            admin = route.key.startswith(ADMIN_NAMESPACE + ":")
            got = observe(asker, route, url, None if admin else unread)
            for method in ("get", "post"):
                for role, w, g in zip(ROLES, want[method], got[method], strict=True):
                    if w != g:
                        problems.append(
                            f"{route.key} ({side or '-'}) {method.upper()} {url} as {role}: "
                            f"expected {w}, got {g}"
                        )
    assert not problems, "\n".join(problems)
    assert not unread, "\n".join(unread)
