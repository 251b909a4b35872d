"""Deadline load test: 200 officers file their annual report at once, against gunicorn.

    python -m tests.bench.load \
        [--database-url postgres://postgres@127.0.0.1:5432/portal_bench_load]

One run, all on 127.0.0.1:

1. Drops and recreates the database (its name must start with portal_bench), migrates it,
   and creates a province, 10 district federations with a reviewer each (so every
   submission owes an e-mail and wakes the task writing them through Redis, as in production)
   and 200 grassroots unions with one officer each, using the production password hasher.
   The shipped campaign runs this year; its period is open.
2. `collectstatic` into out/static (skipped while it is current), then the deployment's
   gunicorn command as the README documents it (tests/deploy/readme.py reads it), 4 sync
   workers, DEBUG off, the cache and the Celery broker in an empty Redis database.
3. The deadline: 200 threads, one per officer, arriving evenly over `--ramp` seconds. Each
   logs in (GET and POST /login/) and opens its unit's report form. When every officer
   holds an open form (or the arrival budget is spent), all of them at once save and submit
   the form with its "Save and submit for review" button (one POST, with every field
   filled from the form's own HTML and its CSRF token, sent as the form's enctype says:
   multipart/form-data, as a browser sends a form with a file input): the rush. Then each opens the
   report and checks the success
   message. Every request has a timeout; the server's CPU is read from /proc around the
   arrival and the rush.
4. The database is checked: exactly one report per officer's unit, submitted, with exactly
   one submit step that owes one e-mail (0 lost, 0 doubled).
5. gunicorn restarts with the same command and environment but the bench-only settings
   `tests.bench.load_site.settings` (the portal plus one app and URLconf), and the same
   client harness sends each of 200 clients' forms to a bare view that saves one row with a
   ModelForm under `select_for_update` (`--bare-rounds` times each); the rows are checked.

Reports throughput, p50/p95 per step, errors by status, 5xx, the database check, and the
target: submissions per second in the rush ≥ 0.5 × the bare endpoint's saves per second,
with zero 5xx. Writes tests/bench/out/load.json; exits with 1 when a report is lost or
doubled or a 5xx was seen. gunicorn is always stopped and the run's Redis keys deleted,
also on error or Ctrl+C.
"""

import argparse
import contextlib
import datetime
import http.client
import http.cookies
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

from tests.bench import common
from tests.bench.dashboard import free_port, percentile, pick_redis_db

TARGET_RATIO = 0.5
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_load"
BENCH_SETTINGS = "tests.bench.load_site.settings"
OFFICER_PASSWORD = "bench-officer-Pass-2025"  # a throw-away database on 127.0.0.1
GRASSROOTS_PER_DISTRICT = 20
SUCCESS_MESSAGE = "Đã gửi báo cáo năm để xem xét."  # "The annual report was submitted…"
SAVE_AND_SUBMIT = "save_and_submit"  # the report form's button (campaign/annual_reports.py)


# --- the data -----------------------------------------------------------------------------------
def configure_django(database_url):
    """The bench settings in-process too: the bare endpoint's table is migrated with the rest."""
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    os.environ.update(common.bench_environment(database_url, ""))
    if str(common.ROOT) not in sys.path:
        sys.path.insert(0, str(common.ROOT))
    import django

    django.setup()


def build_data(officers):
    """The federation, the campaign and its open period, the users, the bare rows.

    Returns (campaign_pk, year, [(username, unit_pk)]).
    """
    import json as jsonlib

    from django.contrib.auth.hashers import make_password

    from campaign.models import Period
    from campaign.periods import report_year
    from campaign.seed import DEFAULT_CAMPAIGN, load_campaign
    from tests.bench.load_site.models import Row
    from units.models import Membership, Unit, User

    Kind, Role = Unit.Kind, Membership.Role
    root = Unit.objects.add_root(
        create_kwargs={"code": "BT", "name": "LĐLĐ tỉnh Bến Tre", "kind": Kind.PROVINCE}
    )
    # One hash for everyone: hashing 200 passwords would cost a minute; every login still
    # verifies it with the production hasher.
    password = make_password(OFFICER_PASSWORD)
    users, memberships, units = [], [], []
    for d in range(math.ceil(officers / GRASSROOTS_PER_DISTRICT)):
        root.refresh_from_db()
        district = Unit.objects.add_child(
            root,
            {"code": f"BT-D{d:02d}", "name": f"LĐLĐ huyện Thử tải {d + 1}", "kind": Kind.DISTRICT},
        )
        reviewer = User(
            username=f"bench-reviewer-{d:02d}",
            password=password,
            full_name=f"Cán bộ kiểm tra huyện {d + 1}",
            email=f"reviewer{d:02d}@example.invalid",
        )
        users.append(reviewer)
        memberships.append((reviewer, district, Role.REVIEWER))
        for g in range(GRASSROOTS_PER_DISTRICT):
            n = d * GRASSROOTS_PER_DISTRICT + g
            if n >= officers:
                break
            district.refresh_from_db()
            unit = Unit.objects.add_child(
                district,
                {"code": f"BT-D{d:02d}-{g:02d}", "name": f"CĐCS Thử tải {n + 1}",
                 "kind": Kind.GRASSROOTS},
            )  # fmt: skip
            officer = User(
                username=f"bench-officer-{n:03d}",
                password=password,
                full_name=f"Cán bộ công đoàn {n + 1}",
                email=f"officer{n:03d}@example.invalid",
            )
            users.append(officer)
            memberships.append((officer, unit, Role.OFFICER))
            units.append((officer, unit))
    User.objects.bulk_create(users)
    saved = {user.username: user for user in User.objects.filter(username__startswith="bench-")}
    Membership.objects.bulk_create(
        Membership(user=saved[user.username], unit=unit, role=role)
        for user, unit, role in memberships
    )

    this_year = datetime.date.today().year
    data = jsonlib.loads(DEFAULT_CAMPAIGN.read_text(encoding="utf-8"))
    data.update(
        issuer_code=root.code,
        first_year=this_year - 1,
        issued_on=f"{this_year - 1}-06-15",
        plan_due_on=f"{this_year - 1}-07-31",
    )
    campaign, _created = load_campaign(data)
    year = report_year(campaign)
    period = Period.objects.for_year(campaign, year)
    if period.is_locked_on(datetime.date.today()):
        sys.exit(f"The period {year} is locked today; nothing could be filed.")
    Row.objects.bulk_create(Row(client=n, text="", count=0) for n in range(officers))
    return campaign.pk, year, [(officer.username, unit.pk) for officer, unit in units]


def check_database(campaign_pk, year, unit_pks):
    """Exactly one submitted report per officer's unit, one submit step, one e-mail each:
    no worker runs, so a step's e-mail is owed (its step pending) rather than written."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from campaign.models import AnnualReport, Notification, Status, Step

    reports = AnnualReport.objects.filter(campaign_id=campaign_pk, year=year, unit_id__in=unit_pks)
    per_unit = Counter(reports.values_list("unit_id", flat=True))
    statuses = Counter(reports.values_list("status", flat=True))
    report_type = ContentType.objects.get_for_model(AnnualReport)
    submit_steps = dict(
        Step.objects.filter(content_type=report_type, action=Step.Action.SUBMIT)
        .values("object_id")
        .annotate(n=Count("pk"))
        .values_list("object_id", "n")
    )
    submitted = list(reports.filter(status=Status.SUBMITTED).values_list("pk", "unit_id"))
    missing_units = [pk for pk in unit_pks if per_unit[pk] == 0]
    not_submitted = [pk for pk in unit_pks if per_unit[pk] and pk not in {u for _, u in submitted}]
    doubled_reports = [pk for pk, n in per_unit.items() if n > 1]
    doubled_steps = [pk for pk, n in submit_steps.items() if n > 1]
    pending = Step.objects.filter(
        content_type=report_type, action=Step.Action.SUBMIT, emails_pending=True
    ).count()
    written = Notification.objects.filter(key__startswith="step-").count()
    return {
        "officers": len(unit_pks),
        "reports": sum(per_unit.values()),
        "statuses": dict(statuses),
        "submitted": len(submitted),
        "lost": len(missing_units) + len(not_submitted),
        "lost_no_report": len(missing_units),
        "lost_not_submitted": len(not_submitted),
        "doubled": len(doubled_reports) + len(doubled_steps),
        "doubled_reports": len(doubled_reports),
        "doubled_submit_steps": len(doubled_steps),
        "submit_steps": sum(submit_steps.values()),
        # Each district has one reviewer: a pending submit step owes one e-mail.
        "emails_owed": pending + written,
        "steps_emails_pending": pending,
        "outbox_emails": written,
    }


def check_bare_rows(clients, rounds):
    from tests.bench.load_site.models import Row

    counts = Counter(Row.objects.filter(client__lt=clients).values_list("count", flat=True))
    return {"rows": sum(counts.values()), "rows_saved_every_round": counts.get(rounds, 0)}


# --- the server ---------------------------------------------------------------------------------
def gunicorn_command(args, port):
    """The deployment's command, read from the README (tests/deploy/readme.py), on a free
    loopback port, with `--workers` and the worker class of this run."""
    from tests.deploy import readme

    command = readme.localised(readme.documented_commands()["web"], bind=f"127.0.0.1:{port}")
    if "--workers" in command:
        command[command.index("--workers") + 1] = str(args.workers)
    else:
        command += ["--workers", str(args.workers)]
    command += ["--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    return command


class Gunicorn:
    """gunicorn as a subprocess, stopped (by its own pid) on exit, whatever happens."""

    def __init__(self, command, env, port, log_path):
        self.port = port
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=common.ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            with contextlib.suppress(OSError):
                status, _headers, _body = request_once(self.port, "GET", path, timeout=5)
                if status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def server_errors(self):
        """Tracebacks and worker timeouts that gunicorn logged (none expected)."""
        text = Path(self.log_path).read_text(errors="replace")
        return [
            line
            for line in text.splitlines()
            if "Traceback" in line or "WORKER TIMEOUT" in line or "ERROR" in line
        ]


# --- server CPU -----------------------------------------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(ppid, CPU seconds) of a process from /proc, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def server_pids(master_pid, database):
    """gunicorn's master and workers, and the PostgreSQL backends serving `database`."""
    from django.db import connection

    workers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat and stat[0] == master_pid:
                workers.append(int(entry.name))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        backends = [row[0] for row in cursor.fetchall()]
    return {"gunicorn": [master_pid, *workers], "postgresql": backends}


def cpu_sample(master_pid, database):
    """CPU seconds used so far by each server process: {(group, pid): seconds}."""
    sample = {}
    for group, pids in server_pids(master_pid, database).items():
        for pid in pids:
            stat = _stat(pid)
            if stat:
                sample[(group, pid)] = stat[1]
    return sample


def cpu_used(before, after):
    """CPU seconds by group between two samples (a process new in `after` counts fully)."""
    used = defaultdict(float)
    for key, seconds in after.items():
        used[key[0]] += seconds - before.get(key, 0.0)
    return {group: round(seconds, 2) for group, seconds in used.items()}


# --- the client harness -------------------------------------------------------------------------
def request_once(port, method, path, body=None, headers=None, timeout=30.0):
    """One HTTP request on a fresh connection (sync gunicorn closes it after each answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


class Form:
    """A POST form of a page: its fields' values, each select's options, its file inputs, and
    whether the browser would send it as multipart/form-data (its `enctype`)."""

    def __init__(self, multipart):
        self.fields = {}
        self.selects = defaultdict(list)
        self.files = set()
        self.multipart = multipart


class FormParser(HTMLParser):
    """Every POST form of a page, as `Form`s (None for the other forms)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "").lower() == "post"
            multipart = (attrs.get("enctype") or "").lower() == "multipart/form-data"
            self.forms.append(Form(multipart) if post else None)
            return
        if not self.forms or self.forms[-1] is None:
            return
        form = self.forms[-1]
        fields, selects = form.fields, form.selects
        if tag == "input" and attrs.get("type") == "file" and attrs.get("name"):
            form.files.add(attrs["name"])
        elif tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields[self._textarea] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            fields[self._select] = ""
        elif tag == "option" and self._select and attrs.get("value"):
            selects[self._select].append(attrs["value"])

    def handle_data(self, data):
        if self._textarea and self.forms and self.forms[-1] is not None:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def parse_form(body, having):
    """The POST form of the page that has a field named `having` (a `Form`), or None."""
    parser = FormParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    for form in parser.forms:
        if form is not None and having in form.fields:
            return form
    return None


def multipart_body(fields, files):
    """`fields` and the empty file inputs `files` as a browser sends a multipart form with no
    file chosen: (body, content type)."""
    boundary = f"----BenchFormBoundary{random.getrandbits(64):016x}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    for name in sorted(files):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


class Recorder:
    """Timings and failures of every step, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = Counter()
        self.statuses = defaultdict(Counter)

    def ok(self, step, status, seconds):
        with self.lock:
            self.times[step].append(seconds)
            self.statuses[step][status] += 1

    def fail(self, step, what, status=None):
        with self.lock:
            self.errors[f"{step}: {what}"] += 1
            if status is not None:
                self.statuses[step][status] += 1

    def server_errors(self):
        return sum(
            n for counter in self.statuses.values() for code, n in counter.items() if code >= 500
        )


class StepFailed(Exception):
    pass


class Client:
    """A browser of one user: cookies, the CSRF token, and one timed request per step."""

    def __init__(self, port, recorder, timeout):
        self.port = port
        self.recorder = recorder
        self.timeout = timeout
        self.cookies = {}

    def call(self, step, method, path, fields=None, expect=(200,), form=None):
        """`form`: the `Form` the fields come from, sent as its enctype says (a browser sends
        the report form as multipart/form-data, for its file input)."""
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None and form is not None and form.multipart:
            body, headers["Content-Type"] = multipart_body(fields, form.files)
        elif fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            status, response_headers, content = request_once(
                self.port, method, path, body, headers, self.timeout
            )
        except TimeoutError:
            self.recorder.fail(step, "timeout")
            raise StepFailed(step) from None
        except OSError as error:
            self.recorder.fail(step, type(error).__name__)
            raise StepFailed(step) from None
        elapsed = time.perf_counter() - started
        location = ""
        for name, value in response_headers:
            if name.lower() == "set-cookie":
                jar = http.cookies.SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[key] = morsel.value
                    else:
                        self.cookies.pop(key, None)
            elif name.lower() == "location":
                location = value
        if status not in expect:
            self.recorder.fail(step, f"HTTP {status}", status)
            raise StepFailed(step)
        self.recorder.ok(step, status, elapsed)
        return content, location


def fill(fields, selects, rng):
    """Every field of the report form filled in as an officer would, with figures the
    campaign's plausibility rules accept (participants well above sessions, nothing beyond
    what one unit reports): a flagged report would need an explanation to be submitted."""
    filled = dict(fields)
    sessions = rng.randint(1, 40)
    plausible = {"value_sessions": sessions, "value_participants": sessions * rng.randint(10, 40)}
    for name in fields:
        if name.startswith("value_"):
            filled[name] = str(plausible.get(name, rng.randint(0, 40)))
        elif name in ("results", "shortcomings", "obstacles", "proposals"):
            filled[name] = "Quán triệt kế hoạch đến toàn thể đoàn viên; lồng ghép tuyên truyền."
        elif selects.get(name):
            filled[name] = selects[name][0]
    if "value_other_forms" in filled:
        filled["value_other_forms"] = "Nhóm Zalo của công đoàn cơ sở"
    return filled


class Officer(threading.Thread):
    """Log in and open the form; at the signal save and submit; then check the message."""

    def __init__(self, number, username, form_path, port, recorder, gates, timeout, start_at):
        super().__init__(daemon=True, name=f"officer-{number}")
        self.start_at = start_at
        self.username = username
        self.form_path = form_path
        self.client = Client(port, recorder, timeout)
        self.rush, self.verify = gates
        self.rng = random.Random(number)
        self.ready = self.submitted = self.verified = False
        self.submitted_at = None
        self.failed_step = None

    def run(self):
        client = self.client
        time.sleep(max(0.0, self.start_at - time.perf_counter()))
        try:
            page, _ = client.call("1 login page", "GET", "/login/")
            login = parse_form(page, "username")
            if login is None:
                client.recorder.fail("1 login page", "no login form on the page")
                raise StepFailed("1 login page")
            fields = {**login.fields, "username": self.username, "password": OFFICER_PASSWORD}
            client.call("2 log in", "POST", "/login/", fields, expect=(302,), form=login)
            page, _ = client.call("3 open form", "GET", self.form_path)
            form = parse_form(page, "results")
            if form is None or "csrfmiddlewaretoken" not in form.fields:
                client.recorder.fail("3 open form", "no report form on the page")
                raise StepFailed("3 open form")
            fields, selects = form.fields, form.selects
            self.ready = True
            if not self.rush.wait(timeout=600):
                return
            # The form's "Save and submit for review" button: one request saves the report
            # and takes the submit step (the HTML parser skips buttons, so it is named here).
            filled = {**fill(fields, selects, self.rng), SAVE_AND_SUBMIT: "1"}
            step = "4 save and submit"
            _, location = client.call(step, "POST", self.form_path, filled, (302,), form)
            report_path = urllib.parse.urlsplit(location).path
            if not re.fullmatch(r"/reports/\d+/", report_path):
                client.recorder.fail(step, f"redirected to {report_path}")
                raise StepFailed(step)
            self.submitted, self.submitted_at = True, time.perf_counter()
            if not self.verify.wait(timeout=600):
                return
            page, _ = client.call("5 see report", "GET", report_path)
            if SUCCESS_MESSAGE.encode() in page:
                self.verified = True
            else:
                client.recorder.fail("5 see report", "no success message")
        except StepFailed as error:
            self.failed_step = str(error)


class BareClient(threading.Thread):
    """Open the bare form; at the signal post it `rounds` times."""

    def __init__(self, number, port, recorder, go, rounds, timeout):
        super().__init__(daemon=True, name=f"bare-{number}")
        self.number = number
        self.client = Client(port, recorder, timeout)
        self.go, self.rounds = go, rounds
        self.ready = False
        self.saved = 0
        self.finished_at = None

    def run(self):
        path = f"/bare/{self.number}/"
        try:
            page, _ = self.client.call("bare form", "GET", path)
            form = parse_form(page, "count")
            if form is None:
                self.client.recorder.fail("bare form", "no form on the page")
                return
            fields = form.fields
            self.ready = True
            if not self.go.wait(timeout=600):
                return
            for round_number in range(1, self.rounds + 1):
                fields.update(text=f"client {self.number} round {round_number}")
                fields["count"] = str(round_number)
                self.client.call("bare save", "POST", path, fields, form=form)
                self.saved += 1
            self.finished_at = time.perf_counter()
        except StepFailed:
            pass


def warm_up(port, path, workers, timeout):
    """Concurrent GETs until every worker answered a few: each has imported the project,
    opened its database connection and compiled its templates before the clock starts."""

    def hit():
        for _ in range(3):
            with contextlib.suppress(OSError):
                request_once(port, "GET", path, timeout=timeout)

    threads = [threading.Thread(target=hit, daemon=True) for _ in range(2 * workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def wait_until(threads, attribute, deadline):
    """Wait until every thread set `attribute` or finished, or the deadline passed."""
    while time.perf_counter() < deadline:
        if all(getattr(t, attribute) or not t.is_alive() for t in threads):
            return True
        time.sleep(0.05)
    return False


def join_all(threads, deadline):
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()))
    return sum(thread.is_alive() for thread in threads)


# --- figures ------------------------------------------------------------------------------------
def ms(seconds):
    return round(seconds * 1000, 1)


def step_figures(recorder):
    figures = {}
    for step in sorted(set(recorder.times) | set(recorder.statuses)):
        times = recorder.times.get(step, [])
        figures[step] = {
            "n": len(times),
            "p50_ms": ms(percentile(times, 0.50)) if times else None,
            "p95_ms": ms(percentile(times, 0.95)) if times else None,
            "max_ms": ms(max(times)) if times else None,
            "statuses": dict(sorted(recorder.statuses.get(step, {}).items())),
        }
    return figures


def print_steps(title, figures):
    print(f"\n{title}")
    print(f"  {'step':<14} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}  statuses")
    for step, f in figures.items():
        p50 = "-" if f["p50_ms"] is None else f"{f['p50_ms']:.1f}"
        p95 = "-" if f["p95_ms"] is None else f"{f['p95_ms']:.1f}"
        top = "-" if f["max_ms"] is None else f"{f['max_ms']:.1f}"
        print(f"  {step:<14} {f['n']:>5} {p50:>9} {p95:>9} {top:>9}  {f['statuses']}")


# --- the run ------------------------------------------------------------------------------------
def officer_phase(args, port, accounts, campaign_pk, year, sample):
    recorder = Recorder()
    rush, verify = threading.Event(), threading.Event()
    officers = [
        Officer(
            n,
            username,
            f"/campaigns/{campaign_pk}/units/{unit_pk}/reports/{year}/",
            port,
            recorder,
            (rush, verify),
            args.timeout,
            start_at=0.0,
        )
        for n, (username, unit_pk) in enumerate(accounts)
    ]
    arrival_cpu_before = sample()
    started = time.perf_counter()
    deadline = started + args.budget
    for n, officer in enumerate(officers):
        # Arrivals spread evenly over the ramp: officers log in during the last minute, not
        # all in the same millisecond (a burst of 200 password checks is 44 CPU-seconds).
        officer.start_at = started + args.ramp * n / len(officers)
        officer.start()
    # Every officer holds an open form (or the arrival budget is spent): the rush starts.
    # Officers still logging in then join it as soon as their form is open.
    wait_until(officers, "ready", deadline)
    arrived = time.perf_counter()
    ready_at_rush = sum(o.ready for o in officers)
    cpu_before = sample()
    arrival_cpu = cpu_used(arrival_cpu_before, cpu_before)
    rush.set()
    rush_deadline = arrived + args.rush_seconds
    wait_until(officers, "submitted", rush_deadline)
    rush_end = max((o.submitted_at for o in officers if o.submitted_at), default=arrived)
    submitted = sum(o.submitted for o in officers)
    rush_cpu = cpu_used(cpu_before, sample())
    verify.set()
    still_running = join_all(officers, rush_deadline + args.timeout)
    rush_seconds = rush_end - arrived
    per_second = round(submitted / rush_seconds, 1) if rush_seconds > 0 else 0.0
    return {
        "officers": len(officers),
        "ready": sum(o.ready for o in officers),
        "ready_when_the_rush_started": ready_at_rush,
        "submitted": submitted,
        "verified": sum(o.verified for o in officers),
        "still_running_at_deadline": still_running,
        "arrival_s": round(arrived - started, 2),
        "rush_s": round(rush_seconds, 2),
        "makespan_s": round(rush_end - started, 2),
        "submissions_per_s": per_second,
        # One request per submission since the form's "Save and submit" button.
        "requests_per_s_in_rush": per_second,
        "arrival_server_cpu_s": arrival_cpu,
        "server_cpu_ms_per_arrival": {
            group: round(1000 * seconds / ready_at_rush, 1) if ready_at_rush else None
            for group, seconds in arrival_cpu.items()
        },
        "rush_server_cpu_s": rush_cpu,
        "server_cpu_ms_per_submission": {
            group: round(1000 * seconds / submitted, 1) if submitted else None
            for group, seconds in rush_cpu.items()
        },
        "steps": step_figures(recorder),
        "errors": dict(recorder.errors),
        "server_errors_5xx": recorder.server_errors(),
        "failed_steps": dict(Counter(o.failed_step for o in officers if o.failed_step)),
    }


def bare_phase(args, port, sample):
    recorder = Recorder()
    go = threading.Event()
    clients = [
        BareClient(n, port, recorder, go, args.bare_rounds, args.timeout)
        for n in range(args.officers)
    ]
    started = time.perf_counter()
    deadline = started + args.bare_seconds
    for client in clients:
        client.start()
    wait_until(clients, "ready", deadline)
    cpu_before = sample()
    go_at = time.perf_counter()
    go.set()
    wait_until(clients, "finished_at", go_at + args.bare_seconds)
    bare_cpu = cpu_used(cpu_before, sample())
    still_running = join_all(clients, deadline + args.timeout)
    end = max((c.finished_at for c in clients if c.finished_at), default=go_at)
    saves = sum(c.saved for c in clients)
    seconds = end - go_at
    return {
        "clients": len(clients),
        "rounds": args.bare_rounds,
        "ready": sum(c.ready for c in clients),
        "saves": saves,
        "still_running_at_deadline": still_running,
        "seconds": round(seconds, 2),
        "saves_per_s": round(saves / seconds, 1) if seconds > 0 else 0.0,
        "server_cpu_s": bare_cpu,
        "server_cpu_ms_per_save": {
            group: round(1000 * used / saves, 2) if saves else None
            for group, used in bare_cpu.items()
        },
        "steps": step_figures(recorder),
        "errors": dict(recorder.errors),
        "server_errors_5xx": recorder.server_errors(),
    }


def run(args):
    from tests.bench.generate import create_database

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    create_database(args.database_url)
    configure_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    campaign_pk, year, accounts = build_data(args.officers)
    with connection.cursor() as cursor:
        machine = common.machine_info(cursor)
    connection.close()
    print(
        f"{common.database_name(args.database_url)}: {len(accounts)} officers, year {year}, "
        f"set up in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )

    redis_db, redis_client = pick_redis_db(args.redis_url, args.redis_db)
    prefix = f"bench-load-{os.getpid()}"
    # Kept between runs (git-ignored): collecting and compressing takes a minute or more.
    static_root = common.OUT / "static"
    static_root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **common.bench_environment(
            args.database_url,
            f"{args.redis_url.rstrip('/')}/{redis_db}",
            STATIC_ROOT=static_root,
            CACHE_KEY_PREFIX=prefix,
            # E-mails stay owed: no worker runs here, and none must be sent.
            EMAIL_URL="dummymail://",
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    queue_before = redis_client.llen("celery")
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": common.database_name(args.database_url),
        "machine": machine,
        "redis_db": redis_db,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "officers": len(accounts),
        "ramp_s": args.ramp,
        "request_timeout_s": args.timeout,
    }
    server = None
    try:
        if args.collectstatic or not static_is_current(static_root):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=common.ROOT,
                env=env,
                check=True,
                timeout=600,
            )
            print(f"collectstatic in {time.perf_counter() - t0:.0f} s", flush=True)
        port = free_port()
        command = gunicorn_command(args, port)
        results["gunicorn"] = " ".join(command[1:])
        log_dir = Path(tempfile.gettempdir())
        server = Gunicorn(command, env, port, log_dir / f"portal-bench-load-{port}.log")
        server.wait_ready("/login/")
        warm_up(port, "/login/", args.workers, args.timeout)
        print(f"gunicorn {' '.join(command[1:])} ready; the officers arrive", flush=True)
        database = common.database_name(args.database_url)
        portal = officer_phase(
            args,
            port,
            accounts,
            campaign_pk,
            year,
            lambda: cpu_sample(server.process.pid, database),
        )
        portal["gunicorn_log_errors"] = server.server_errors()[:20]
        server.stop()
        server = None
        results["portal"] = portal
        results["enqueued_emails"] = redis_client.llen("celery") - queue_before
        results["database_check"] = check_database(
            campaign_pk, year, [unit_pk for _username, unit_pk in accounts]
        )

        port = free_port()
        command = gunicorn_command(args, port)
        server = Gunicorn(
            command,
            {**env, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS},
            port,
            log_dir / f"portal-bench-load-bare-{port}.log",
        )
        server.wait_ready("/bare/0/")
        warm_up(port, "/bare/0/", args.workers, args.timeout)
        print("bare endpoint ready; its clients post", flush=True)
        bare = bare_phase(args, port, lambda: cpu_sample(server.process.pid, database))
        bare["gunicorn_log_errors"] = server.server_errors()[:20]
        results["bare"] = bare
        results["bare_check"] = check_bare_rows(args.officers, args.bare_rounds)
    finally:
        if server is not None:
            server.stop()
        cleanup_redis(redis_client, prefix, queue_before)
    results["load_average"] = {"before": load_before, "after": os.getloadavg()}
    return report(args, results)


def static_is_current(static_root):
    """Whether the collected files are newer than the project's static files and the
    installed packages (which bring Bootstrap and the admin's files)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    sources = [common.ROOT / "requirements.txt", *(common.ROOT / "static").rglob("*")]
    return all(path.stat().st_mtime < manifest.stat().st_mtime for path in sources)


def cleanup_redis(client, prefix, queue_before):
    """The run's cache keys; the queued e-mails only if the queue was empty before."""
    with contextlib.suppress(Exception):
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        if queue_before == 0:
            client.delete("celery", *client.scan_iter(match="_kombu.binding*"))


def cpu_text(per_op):
    return ", ".join(f"{group} {ms_} ms" for group, ms_ in per_op.items()) or "not measured"


def report(args, results):
    portal, bare = results["portal"], results["bare"]
    check, bare_check = results["database_check"], results["bare_check"]
    print_steps(
        f"Portal: {portal['officers']} officers, {portal['submitted']} submitted, "
        f"{portal['verified']} saw the success message",
        portal["steps"],
    )
    print(
        f"  arrival (log in, open the form) {portal['arrival_s']} s, "
        f"{portal['ready_when_the_rush_started']} forms open; rush (save and submit) "
        f"{portal['rush_s']} s; all submitted after {portal['makespan_s']} s"
    )
    print(
        f"  throughput in the rush: {portal['submissions_per_s']} submissions/s "
        f"({portal['requests_per_s_in_rush']} write requests/s)"
    )
    per_arrival = cpu_text(portal["server_cpu_ms_per_arrival"])
    per_submission = cpu_text(portal["server_cpu_ms_per_submission"])
    print(f"  server CPU per officer arriving (log in, open the form): {per_arrival}")
    print(f"  server CPU per submission in the rush: {per_submission}")
    print(f"  errors: {portal['errors'] or 'none'}; 5xx: {portal['server_errors_5xx']}")
    print(
        f"  database: {check['reports']} reports for {check['officers']} officers, "
        f"{check['submitted']} submitted, lost {check['lost']}, doubled {check['doubled']}; "
        f"{check['submit_steps']} submit steps, {check['emails_owed']} e-mails owed "
        f"({check['steps_emails_pending']} steps pending, {check['outbox_emails']} in the "
        f"outbox), {results['enqueued_emails']} tasks enqueued"
    )
    print_steps(
        f"Bare endpoint: {bare['clients']} clients x {bare['rounds']} locked ModelForm saves",
        bare["steps"],
    )
    print(
        f"  {bare['saves']} saves in {bare['seconds']} s: {bare['saves_per_s']} saves/s; "
        f"errors: {bare['errors'] or 'none'}; 5xx: {bare['server_errors_5xx']}; rows saved "
        f"every round: {bare_check['rows_saved_every_round']}/{bare_check['rows']}"
    )
    print(f"  server CPU per save: {cpu_text(bare['server_cpu_ms_per_save'])}")
    ours = sum(v or 0 for v in portal["server_cpu_ms_per_submission"].values())
    theirs = sum(v or 0 for v in bare["server_cpu_ms_per_save"].values())
    results["cpu_ratio_bare_over_ours"] = round(theirs / ours, 3) if ours else None
    if ours:
        print(
            f"  server CPU: a bare save costs {theirs / ours:.2f} x a submission: the "
            "throughput ratio an otherwise idle machine would show"
        )

    ratio = portal["submissions_per_s"] / bare["saves_per_s"] if bare["saves_per_s"] else 0.0
    no_5xx = portal["server_errors_5xx"] == 0 and bare["server_errors_5xx"] == 0
    targets = {
        f"submissions/s >= {TARGET_RATIO} x bare saves/s": (
            ratio >= TARGET_RATIO,
            f"{portal['submissions_per_s']} / {bare['saves_per_s']} = {ratio:.2f}",
        ),
        "zero 5xx": (
            no_5xx,
            f"portal {portal['server_errors_5xx']}, bare {bare['server_errors_5xx']}",
        ),
        "one submitted report per officer (0 lost, 0 doubled)": (
            check["lost"] == 0
            and check["doubled"] == 0
            and check["submitted"] == check["officers"]
            and check["emails_owed"] == check["officers"],
            f"lost {check['lost']}, doubled {check['doubled']}",
        ),
        "all officers done within 60 s": (
            portal["submitted"] == portal["officers"] and portal["makespan_s"] <= 60,
            f"{portal['submitted']}/{portal['officers']} in {portal['makespan_s']} s",
        ),
    }
    results["ratio"] = round(ratio, 3)
    results["targets"] = {name: {"pass": ok, "value": v} for name, (ok, v) in targets.items()}
    width = max(len(name) for name in targets)
    print(f"\n{'target':<{width}}  result  value")
    for name, (ok, value) in targets.items():
        print(f"{name:<{width}}  {'PASS' if ok else 'MISS':<6}  {value}")
    before, after = results["load_average"]["before"], results["load_average"]["after"]
    print(
        f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in before)}, "
        f"after {', '.join(f'{x:.2f}' for x in after)} on {os.cpu_count()} CPUs"
    )
    common.OUT.mkdir(exist_ok=True)
    out = common.OUT / "load.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nResults written to {out}")
    correct = check["lost"] == 0 and check["doubled"] == 0 and no_5xx
    return 0 if correct else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per worker, with gthread")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument(
        "--ramp", type=float, default=30, help="seconds over which the officers arrive"
    )
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds for the officers to arrive"
    )
    parser.add_argument("--rush-seconds", type=float, default=30, help="seconds for the rush")
    parser.add_argument(
        "--collectstatic", action="store_true", help="collect even if out/static looks current"
    )
    parser.add_argument("--bare-rounds", type=int, default=5, help="saves per bare client")
    parser.add_argument("--bare-seconds", type=float, default=30)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, help="default: the first empty one from 15 down")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
