import threading
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.http import HttpResponse
from django.shortcuts import render, resolve_url
from django.template.loader import get_template
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese for everyone unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office
    browsers are set to English; the portal's users expect Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class DatabaseGate:
    """At most DB_CONNECTIONS_PER_PROCESS requests of this process use the database at once,
    each closing its connection when it ends unless it runs in the main thread.

    Django keeps a connection per thread. A sync worker serves in its main thread, one
    request at a time: its connection is kept (CONN_MAX_AGE) and the gate never waits. A
    threaded server (the development server starts a thread per request; gunicorn's gthread
    keeps a pool) would otherwise hold one connection per thread, each kept open after its
    request: under a crawl one instance took 93 of PostgreSQL's 100 and the rest of the
    requests failed. Behind the gate a request waits its turn (up to DB_GATE_TIMEOUT
    seconds, then a 503 asking to retry) instead of failing, and the connections of one
    process never exceed the gate's size: a deployment needs, per node, the gate's size for
    each web process plus the Celery workers' concurrency (README, Deployment).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.DB_GATE_TIMEOUT

    def __call__(self, request):
        if not _GATE.acquire(timeout=self.timeout):
            return _busy(request)
        try:
            return self.get_response(request)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()
            _GATE.release()


def _busy(request):
    # Without the request's context: its processors would query the database.
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = "5"
    return response


_GATE = threading.BoundedSemaphore(settings.DB_CONNECTIONS_PER_PROCESS)


class MethodNotAllowedPage:
    """A page, not an empty body, for a method a view does not answer (405).

    Django's `require_POST` and friends answer with no body: an officer who reloads the
    address of a button (`/reports/12/accept/`) saw a blank page. The Allow header stays.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method != "HEAD":
            try:
                page = render(request, "405.html", status=405)
            except NoReverseMatch:
                # A URLconf without the site's pages (a test's own): the bare 405 stands.
                return response
            page["Allow"] = response.get("Allow", "")
            return page
        return response


class SlidingSession:
    """A signed-in session lasts SESSION_COOKIE_AGE from the last hour's work, not from the
    login: an officer who logs in at 7:30 and types all day was logged out at 15:30, and
    what they sent then was lost behind the login page. Renewing it costs one session write
    an hour (a RENEW_AFTER mark in the session), not one a request."""

    RENEW_AFTER = 60 * 60
    MARK = "_renewed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(self.MARK, 0) >= self.RENEW_AFTER:
                # Modified, the session is saved with a new expiry, and its cookie re-sent.
                session[self.MARK] = now
        return self.get_response(request)


def mark_login(sender, request, user, **kwargs) -> None:
    """A login starts the hour (user_logged_in): its own session write carries the mark, so
    the first page after it writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[SlidingSession.MARK] = int(time.time())


class KeepInputAcrossLogin:
    """A form sent once the session has ended is refused with a redirect to the login page
    (`login_required`), and what was typed was lost there. What it carried is kept in the
    session, which the login keeps (it cycles the key, not the data), for the first page
    after a login within KEEP_SECONDS (`kept_input`), to the user who last logged in on this
    browser (a signed cookie) and to nobody else. The login then leads back to the page the
    form was on, not to the address of its button.

    That page puts every value back into its form's fields of the same name (kept_input.js:
    figures, dates and choices too, which an officer had typed by the dozen in a report),
    and shows the typed texts (words, or 12 characters and more) to copy back should a field
    be missing there (a plan's third activity, on a page drawn with one). Never kept: the
    hidden fields a page makes (the token, the version, which the page drawn anew carries
    afresh) and anything named like a password; at most KEEP_CHARS characters in all, names
    included.

    A form a logged-in user sent from a page whose token had gone stale (refused by the CSRF
    check: config.http.csrf_failure) is kept the same way, for that user, and its page puts
    it back when the refusal page's link opens it again.
    """

    SESSION_KEY = "_kept_input"
    # Who last logged in on this browser, signed: only their texts are kept, and shown to
    # them alone. A browser that never logged in keeps nothing (no session written for an
    # anonymous POST from anywhere).
    COOKIE = "portal_last_user"
    COOKIE_SALT = "config.middleware.KeepInputAcrossLogin"
    COOKIE_AGE = 30 * 24 * 60 * 60
    # Shown only to a login this soon after: on a shared computer, whoever logs in next
    # much later is likely someone else.
    KEEP_SECONDS = 30 * 60
    SKIP = {"csrfmiddlewaretoken", "version", "once", "seen", "next", "item", "confirmed", "how"}
    # A formset's counts and its rows' ids: the page drawn anew has its own.
    FORMSET_SKIP = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS", "-id")
    KEEP_CHARS = 20_000
    # Why the form was not saved, for the note on the page that puts it back.
    AFTER_LOGIN = "login"
    AFTER_CSRF = "csrf"  # refused by the CSRF check: see config.http.csrf_failure

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = request.user
        if user.is_authenticated:
            if self.last_user(request) != user.pk:
                response.set_signed_cookie(
                    self.COOKIE,
                    str(user.pk),
                    salt=self.COOKIE_SALT,
                    max_age=self.COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        elif (
            request.method == "POST"
            and response.status_code == 302
            and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
        ):
            owner = self.last_user(request)
            page = self.form_page(request)
            fields = self.sent_fields(request) if owner is not None else []
            if fields:
                self.keep(request, owner, page, fields, self.AFTER_LOGIN)
                messages.warning(
                    request,
                    _(
                        "Your session had ended, so the form was not saved. Log in again: "
                        "what you typed will be put back on the form's page, to check and "
                        "send again."
                    ),
                )
            elif owner is not None:
                # Nothing typed to keep (an empty form, a button): still not done.
                messages.warning(
                    request,
                    _(
                        "Your session had ended, so what you sent was not done. Log in "
                        "again, then do it again."
                    ),
                )
            if page is not None:
                response["Location"] = self._to_login(response["Location"], page)
        return response

    @classmethod
    def last_user(cls, request) -> int | None:
        value = request.get_signed_cookie(cls.COOKIE, default=None, salt=cls.COOKIE_SALT)
        return int(value) if value and value.isdigit() else None

    @classmethod
    def keep(cls, request, owner: int, page: str | None, fields, why: str) -> None:
        """Keep `fields` (sent_fields) in the session, for `owner` alone, to be put back on
        `page`; `why` (AFTER_LOGIN, AFTER_CSRF) chooses the note of the page that does."""
        request.session[cls.SESSION_KEY] = {
            "user": owner,
            "at": int(time.time()),
            "texts": cls._texts(fields),
            "fields": fields,
            "page": page,
            "why": why,
        }

    @classmethod
    def sent_fields(cls, request) -> list[list[str]]:
        """The form's fields as [name, value] pairs, in order, without the page's own hidden
        fields, passwords and empty values; at most KEEP_CHARS characters of names and
        values (a request's names are its own too: counted, a thousand long ones are not
        kept for one-character values)."""
        fields, size = [], 0
        for name, values in request.POST.lists():
            if name in cls.SKIP or "password" in name or name.endswith(cls.FORMSET_SKIP):
                continue
            for value in values:
                if not value.strip():
                    continue
                if size + len(name) + len(value) > cls.KEEP_CHARS:
                    return fields
                fields.append([name, value])
                size += len(name) + len(value)
        return fields

    @staticmethod
    def _texts(fields) -> list[str]:
        """Of `fields`, the texts someone typed: not a choice, a figure or a date, which are
        short and not what hurts to lose."""
        texts = []
        for _name, value in fields:
            value = value.strip()
            if (" " in value or len(value) >= 12) and not value.isdigit():
                texts.append(value)
        return texts

    @staticmethod
    def form_page(request) -> str | None:
        """The path of the page the form was on (its Referer, when it is this site's)."""
        referer = request.META.get("HTTP_REFERER", "")
        allowed = {request.get_host()}
        if not url_has_allowed_host_and_scheme(
            referer, allowed_hosts=allowed, require_https=request.is_secure()
        ):
            return None
        parts = urlsplit(referer)
        page = parts.path + (f"?{parts.query}" if parts.query else "")
        # A path such as //elsewhere.example/ would be another site's address once used alone.
        return page if url_has_allowed_host_and_scheme(page, allowed_hosts=allowed) else None

    @staticmethod
    def _to_login(location: str, page: str) -> str:
        """The login URL with `next` set to the page the form was on, since the form's own
        address may answer POST only."""
        parts = urlsplit(location)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "next"]
        query.append(("next", page))
        return parts._replace(query=urlencode(query)).geturl()


def kept_input(request) -> dict:
    """Context processor: the texts of a form sent after the session ended, once, on the
    first page after the login (KeepInputAcrossLogin); past KEEP_SECONDS, a note that they
    were dropped instead."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return {}
    kept = session.pop(KeepInputAcrossLogin.SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        return {}  # typed by someone else on this browser: they learn nothing of it
    too_old = time.time() - KeepInputAcrossLogin.KEEP_SECONDS
    if kept.get("at", 0) < too_old:
        # Dropped: the page opened empty without a word, and its user looked for what
        # they had typed. Only that it was dropped is said, not what it was.
        return {"kept_expired_minutes": KeepInputAcrossLogin.KEEP_SECONDS // 60}
    context = {"kept_input": kept.get("texts") or [], "kept_why": kept.get("why")}
    if kept.get("page") == request.get_full_path():
        # The form's own page: kept_input.js puts the values back into its fields.
        context["kept_fields"] = kept.get("fields") or []
    return context
