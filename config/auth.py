"""Login protection: how django-axes counts failed logins and what a locked-out user sees.

Axes counts failures per username and client address (see the AXES_* settings). These
are the project's three hooks into it: the backend, the client address and the lockout page.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Axes' lockout check for every login that comes from a web request.

    Axes refuses `authenticate()` without a request, but code that is not serving anybody
    (the test client's `login()`, a shell, a management command) calls it that way.
    Nobody can attempt such a login over the network: the login and admin-login views
    always pass their request, so they are always counted. Without a request the check is
    skipped and the next backend decides.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class _UsernameLimit:
    """Refuses a username longer than the user model's own before anybody authenticates it.

    Django's form only tells the browser the limit (the field's `maxlength`), and hands a
    longer username to `authenticate()`, where axes records the failure in a column of 255
    characters: PostgreSQL refuses the row and the login page was a 500. Refused here, the
    form says the limit in Vietnamese and nothing is recorded (no account has such a name).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLimit, AuthenticationForm):
    """The portal's login form, saying a failed login in plain Vietnamese: Django's own
    catalogue reads "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác…", capitalised
    mid-sentence, and claims both fields may differ only in case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is wrong. Check both and try again: the password "
            "tells capital letters from small ones."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's "This field is required." says nothing of what to do.
        self.fields["username"].error_messages["required"] = _("Enter your username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")


class AdminLoginForm(_UsernameLimit, AdminAuthenticationForm):
    """The admin's login form."""


class _RulesOnTheNewPassword:
    """Says a password that breaks a rule ("too common", "too short") under the new
    password, where the rules are listed and the fix is typed. Django says it under the
    confirmation, so a user retyped only that field and was refused again."""

    def validate_password_for_user(self, user, password_field_name=None):
        super().validate_password_for_user(user, "new_password1")


class NewPasswordForm(_RulesOnTheNewPassword, SetPasswordForm):
    """The form of a reset link: the new password, twice."""


class ChangePasswordForm(_RulesOnTheNewPassword, PasswordChangeForm):
    """The account menu's form: the current password, then the new one, twice."""


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt came from.

    Behind the reverse proxy (BEHIND_TLS_PROXY), every request reaches Django from the
    proxy's own address, so the client is the last address of X-Forwarded-For: the one
    the proxy itself appended. Addresses before it are what the client claimed and are
    ignored, so a client cannot pick a fresh address for each attempt. Elsewhere it is the
    connection's address.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out user sees instead of the login form: why, and for how long.

    429 Too Many Requests, rendered from a template like any other page.
    """
    cool_off = get_cool_off(request)
    minutes = _minutes_left(request, credentials, cool_off) if cool_off else None
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def _minutes_left(request, credentials, cool_off) -> int:
    """The whole minutes until the lock of this username and address ends: from the last
    failure that counted (none is counted during the lock), rounded up, at least one."""
    from axes.models import AccessAttempt

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    left = cool_off if last is None else cool_off - (timezone.now() - last)
    return max(1, math.ceil(left.total_seconds() / 60))
