"""Settings come from the environment; production refuses to run without a secret."""

from tests.config.commands import manage

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
    "ALLOWED_HOSTS": "portal.ldldbentre.vn",
    "CSRF_TRUSTED_ORIGINS": "https://portal.ldldbentre.vn",
    "BEHIND_TLS_PROXY": "true",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://portal:password@mail.ldldbentre.vn:587",
}


def test_check_deploy_passes_under_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_follow_the_environment():
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.EMAIL_BACKEND.rsplit('.', 2)[1])"
    )
    production = manage("shell", "-v", "0", "-c", script, env=PRODUCTION_ENV)
    assert production.stdout.split() == [
        "django.db.backends.postgresql",
        "60",
        "True",
        "False",
        "ForgivingRedisCache",
        "smtp",
    ], production.stderr
    embedded = manage("shell", "-v", "0", "-c", script, env={"DEBUG": "true"})
    assert embedded.stdout.split() == [
        "django.db.backends.sqlite3",
        "0",
        "False",
        "True",
        "LocMemCache",
        "console",
    ], embedded.stderr


def test_check_deploy_passes_with_nginx_sending_the_uploads():
    env = {**PRODUCTION_ENV, "MEDIA_ACCEL_REDIRECT": "/protected-media/"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_counts_logins_and_sends_the_content_security_policy():
    script = (
        "from django.conf import settings as s;"
        "print(s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1], s.AXES_FAILURE_LIMIT,"
        " s.AXES_LOCKOUT_PARAMETERS, 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE,"
        " repr(s.MEDIA_ACCEL_REDIRECT))"
    )
    result = manage("shell", "-v", "0", "-c", script, env=PRODUCTION_ENV)
    assert result.stdout.split() == [
        "config.auth.LoginAttemptsBackend",
        "axes.middleware.AxesMiddleware",
        "5",
        "[['username',",
        "'ip_address']]",
        "True",
        "''",
    ], result.stderr
