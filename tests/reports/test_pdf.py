"""The summary report's PDF: what pdftotext and pdffonts find in it, that its figures are the
rollup's, that hostile text is never fetched and shows as text, the URL fetcher on its own,
and the child process that renders under a time and memory cap.

The builders and fixtures here (a campaign with reports, a summary, an HTTP server that
counts hits, pdftotext) are reused by test_summary.py.
"""

import base64
import datetime
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.request import HTTPRedirectHandler
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import AnnualReport, Campaign, Indicator, IndicatorValue, Period, Status
from reports import pdf
from reports.models import SummaryReport
from reports.rollup import rollup
from units.models import Unit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024  # figures 15/12/2023–14/12/2024, due 20/12/2024
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
SIGNER = "Phó Chủ tịch Thường trực Liên đoàn"
SUBJECT = "Kết quả thực hiện Kế hoạch tuyên truyền cải cách hành chính năm 2024"
EVERY_TONE = "Ắ Ằ Ẳ Ẵ Ặ ớ ờ ở ỡ ợ ữ ỹ Ỷ đ Đ ơ ư"


# --- builders ----------------------------------------------------------------------------------
def make_campaign(issuer, slug="cchc-test"):
    campaign = Campaign.objects.create(
        slug=slug,
        number="99/KH-LĐLĐ",
        title="Tuyên truyền cải cách hành chính",
        issuer=issuer,
        issued_on=datetime.date(2015, 6, 10),
        directive="Kế hoạch số 1/KH-UBND",
        first_year=2015,
        plan_due_on=datetime.date(2015, 7, 31),
    )
    Indicator.objects.create(
        campaign=campaign, code="sessions", name="Số buổi tuyên truyền", unit_of_measure="buổi"
    )
    Indicator.objects.create(
        campaign=campaign,
        code="participants",
        name="Số lượt người tham dự",
        unit_of_measure="lượt người",
        order=1,
    )
    Indicator.objects.create(
        campaign=campaign, code="other_forms", name="Hình thức khác", kind="text", order=2
    )
    return campaign


def file_report(unit, campaign, status=Status.ACCEPTED, late=False, **figures):
    """A report of `unit` in `status`, first sent before (or after, `late`) the due date."""
    sent = None
    if status in (Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED):
        sent = datetime.datetime(YEAR, 12, 27 if late else 10, 9, tzinfo=LOCAL)
    report = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=YEAR,
        period=Period.objects.for_year(campaign, YEAR),
        results="Tổ chức tuyên truyền CCHC.",
        obstacles=figures.pop("obstacles", ""),
        proposals=figures.pop("proposals", ""),
        self_assessment=AnnualReport.Assessment.GOOD,
        status=status,
        submitted_at=sent,
        first_submitted_at=sent,
    )
    for indicator in campaign.indicators.filter(code__in=figures):
        IndicatorValue.objects.create(
            report=report, indicator=indicator, int_value=figures[indicator.code]
        )
    return report


def campaign_with_reports(tree):
    """The campaign with reports in every state. Accepted and counted: DA (12 sessions, 345
    participants) and DB (7, 889, late); A1 is accepted but its district reports for it;
    SE is submitted, not accepted; B1 returned; A2 and S1 missing."""
    campaign = make_campaign(tree["PV"])
    file_report(tree["DA"], campaign, sessions=12, participants=345)
    file_report(tree["DB"], campaign, late=True, sessions=7, participants=889)
    file_report(tree["A1"], campaign, sessions=3, participants=40)
    file_report(tree["SE"], campaign, Status.SUBMITTED, sessions=500, participants=5000)
    file_report(tree["B1"], campaign, Status.RETURNED, sessions=600, participants=6000)
    return campaign


@pytest.fixture
def campaign(tree):
    return campaign_with_reports(tree)


def make_summary(unit, campaign, author, **fields):
    values = {
        "year": YEAR,
        "number": "15/BC-LĐLĐ",
        "place": "Bến Tre",
        "dated_on": datetime.date(2025, 1, 5),
        "parent_body": "Tổng LĐLĐ Việt Nam",
        "issuing_body": "Liên đoàn Lao động tỉnh Bến Tre",
        "subject": SUBJECT,
        "signer_name": SIGNER,
        "general_assessment": "Các cấp công đoàn đã triển khai kế hoạch. " + EVERY_TONE,
        "results": "Nhiều hình thức tuyên truyền phong phú.",
        "shortcomings": "Một số đơn vị nộp báo cáo trễ hạn.",
        "obstacles_proposals": "Thiếu tài liệu tuyên truyền.",
        "direction": "Tiếp tục đẩy mạnh tuyên truyền.",
    }
    values.update(fields)
    return SummaryReport.objects.create(campaign=campaign, unit=unit, created_by=author, **values)


def issue(summary, user):
    """Issue `summary` as the view does, without queuing the render."""
    summary.status = SummaryReport.Status.ISSUED
    summary.issued_by = user
    summary.issued_at = timezone.now()
    summary.rollup_snapshot = pdf.freeze(summary)
    summary.save()
    return summary


def pdftotext(content, tmp_path, *options):
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is missing: the set-up installs it")
    path = tmp_path / f"doc-{time.monotonic_ns()}.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def flat(text):
    return " ".join(text.split())


def pdf_listing(command, content, tmp_path):
    """The rows `pdffonts` or `pdfimages -list` print for `content`, headers left out."""
    path = tmp_path / f"list-{time.monotonic_ns()}.pdf"
    path.write_bytes(content)
    arguments = [command, "-list", str(path)] if command == "pdfimages" else [command, str(path)]
    out = subprocess.run(arguments, capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[2:]


def squeezed(text):
    """`text` without any whitespace: a line wrapped by the layout compares equal."""
    return re.sub(r"\s+", "", text)


def vi(message):
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


@pytest.fixture
def http_spy():
    """An HTTP server on 127.0.0.1 that records every request; /redirect answers 302."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "/landed.png")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", hits=hits)
    server.shutdown()
    server.server_close()


# --- what the PDF says ----------------------------------------------------------------------------
def test_pdftotext_finds_the_header_number_title_and_signature_with_diacritics_intact(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    text = flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))
    for expected in [
        "TỔNG LĐLĐ VIỆT NAM",
        "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-LĐLĐ",
        "Bến Tre, ngày 05 tháng 01 năm 2025",
        "BÁO CÁO",
        SUBJECT,
        "Kính gửi: Ban Thường vụ LĐLĐ tỉnh",
        "TM. BAN THƯỜNG VỤ",
        "PHÓ CHỦ TỊCH",
        SIGNER,
        "Nơi nhận:",
        "- Lưu: VT, Ban CSPL.",
        EVERY_TONE,
    ]:
        assert expected in text, expected


def test_the_figures_in_the_pdf_are_the_rollups(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    data = rollup(campaign, YEAR, tree["PV"])
    headline = data["headline"]
    # Hand-checked against the fixture: 7 units expected, 4 submitted, DA + DB counted.
    assert (headline["expected"], headline["submitted"]) == (7, 4)
    assert headline["totals"]["participants"] == 345 + 889
    lines = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout").splitlines()

    def row(label, value):
        pattern = re.compile(rf"^\s*{re.escape(str(label))}\s.*\s{re.escape(value)}\s*$")
        return [line for line in lines if pattern.search(line)]

    with translation.override(settings.LANGUAGE_CODE):
        assert row(vi("Units expected to report"), str(headline["expected"]))
        assert row(vi("Reports submitted"), str(headline["submitted"]))
        assert row("Số lượt người tham dự", "1.234")  # Vietnamese digit grouping
        assert row("Số buổi tuyên truyền", str(headline["totals"]["sessions"]))


def test_the_pdf_shows_the_figures_as_issued_even_after_the_reports_change(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    IndicatorValue.objects.filter(report__unit=tree["DA"], indicator__code="participants").update(
        int_value=9999
    )
    assert rollup(campaign, YEAR, tree["PV"])["headline"]["totals"]["participants"] == 9999 + 889
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    assert re.search(r"Số lượt người tham dự\s.*\s1\.234\s*$", text, re.MULTILINE)
    assert "10.888" not in text


def test_every_font_is_embedded_and_none_falls_back(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    fonts = pdf_listing("pdffonts", pdf.render_summary_pdf(summary), tmp_path)
    assert fonts
    names = set()
    for line in fonts:
        columns = line.split()
        name, embedded = columns[0], columns[-5]
        assert embedded == "yes", line
        names.add(name.split("+", 1)[-1])
    # Liberation Serif for the text (its four faces) and Liberation Sans inside the charts:
    # no DejaVu or other face stood in for a missing Vietnamese glyph.
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= names
    assert names <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
        "Liberation-Sans",
    }, names


def test_page_numbers_start_at_the_top_of_the_second_page(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary)
    first = pdftotext(content, tmp_path, "-f", "1", "-l", "1").split()
    second = pdftotext(content, tmp_path, "-f", "2", "-l", "2").split()
    assert first[0] != "1"
    assert second[0] == "2"


def test_a_draft_is_marked_as_a_draft_and_an_issued_report_is_not(tree, cast, campaign, tmp_path):
    mark = vi("Draft").upper()
    draft = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    draft_text = pdftotext(pdf.render_summary_pdf(draft), tmp_path)
    assert mark in draft_text
    issued = issue(make_summary(tree["PV"], campaign, cast["cspl"], number="16/BC"), cast["cspl"])
    assert mark not in pdftotext(pdf.render_summary_pdf(issued), tmp_path)


def test_the_appendix_lists_every_expected_unit_with_its_status(tree, cast, campaign, tmp_path):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())[
        -1
    ]
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix, code
    assert tree["PV"].name not in appendix  # the province files nothing: not expected
    assert vi("Missing") in appendix and vi("Returned") in appendix


def appendix_units(context):
    """The units the appendix lists, as (group heading, name, status) in its order."""
    listed = []
    for group in context["appendix"]["groups"]:
        for chunk in group["chunks"]:
            for line in chunk.split("\n"):
                name, figures = line.split("\t")
                status = figures.split(pdf.COLUMN_GAP)[-1]
                listed.append((group["heading"], name.strip(pdf.EM_SPACE), status))
        for listing in group["lists"]:
            for name in listing["names"].removesuffix(".").split("; "):
                listed.append((group["heading"], name, listing["label"]))
    return listed


def test_the_appendix_lists_every_expected_unit_once_under_its_child_with_the_rollups_counts(
    tree, cast, campaign, tmp_path
):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    context = pdf.document_context(summary)
    listed = appendix_units(context)
    data = rollup(campaign, YEAR, tree["PV"])
    names = sorted(name for _heading, name, _status in listed)
    assert names == sorted(tree[code].name for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"])
    assert len(listed) == data["headline"]["expected"]
    with translation.override(settings.LANGUAGE_CODE):
        district_a = next(row for row in data["by_child"] if row["name"] == tree["DA"].name)
        heading = (
            tree["DA"].name
            + ": "
            + gettext(
                "%(expected)s units expected: %(on_time)s on time, %(late)s late, "
                "%(returned)s returned, %(missing)s missing"
            )
            % {key: district_a[key] for key in pdf.COUNTS}
        )
        # Hand-checked: DA and A1 on time, A2 missing; B1 returned; SE awaiting review.
        assert (district_a["expected"], district_a["on_time"], district_a["missing"]) == (3, 2, 1)
        by_name = {name: (group, status) for group, name, status in listed}
        assert by_name[tree["A1"].name] == (heading, gettext("On time"))
        assert by_name[tree["A2"].name] == (heading, gettext("Missing"))
        assert by_name[tree["B1"].name][1] == gettext("Returned")
        awaiting = gettext("On time") + " (" + gettext("awaiting review") + ")"
        assert by_name[tree["SE"].name][1] == awaiting
    text = pdftotext(pdf.render_summary_pdf(summary), tmp_path, "-layout")
    appendix = text.split(vi("Appendix").upper())[-1]
    assert re.search(rf"{tree['DA'].name}\s+12\s+345\s+{vi('On time')}", appendix)
    assert re.search(rf"{tree['DB'].name}\s+7\s+889\s+{vi('Late')}", appendix)
    assert f"{vi('Missing')} (1): {tree['A2'].name}." in flat(appendix)


def test_the_appendix_figures_are_right_aligned_by_padding(tree, cast, campaign):
    """In Liberation Serif every digit, en dash and figure space is 0.5 em wide, every dot
    and punctuation space 0.25 em: each figure ends at the same distance from the tab stop
    on every line, whatever the numbers."""
    file_report(tree["S1"], campaign, sessions=1, participants=1_234_567)
    context = pdf.document_context(make_summary(tree["PV"], campaign, cast["cspl"]))
    groups = context["appendix"]["groups"]
    lines = [line for group in groups for chunk in group["chunks"] for line in chunk.split("\n")]
    assert len(lines) >= 4
    half = {pdf.FIGURE_SPACE, pdf.NO_FIGURE, *"0123456789"}
    quarter = {pdf.PUNCTUATION_SPACE, "."}
    ends = set()
    for line in lines:
        figures = line.split("\t")[1].rsplit(pdf.COLUMN_GAP, 1)[0]  # the status is last
        assert set(figures) <= half | quarter, line
        position, line_ends = 0.0, []
        for char, after in zip(figures, figures[1:] + pdf.FIGURE_SPACE, strict=True):
            position += 0.5 if char in half else 0.25
            if char not in (pdf.FIGURE_SPACE, pdf.PUNCTUATION_SPACE) and after == pdf.FIGURE_SPACE:
                line_ends.append(position)
        ends.add(tuple(line_ends))
    # Two columns: sessions (2 digits wide), then participants (7 digits and 2 dots).
    assert ends == {(1.0, 6.0)}
    assert "1.234.567" in flat(" ".join(lines))


def test_a_snapshot_issued_before_the_appendix_kept_paths_still_lists_every_unit(
    tree, cast, campaign, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    for row in summary.rollup_snapshot["units"]:
        del row["path"]
    summary.save(update_fields=["rollup_snapshot"])
    summary.refresh_from_db()
    appendix = pdftotext(pdf.render_summary_pdf(summary), tmp_path).split(vi("Appendix").upper())
    for code in ["DA", "DB", "SE", "A1", "A2", "B1", "S1"]:
        assert tree[code].name in appendix[-1], code


def test_many_units_directly_below_share_one_row_of_the_tables_and_are_listed_one_by_one(
    tree, cast, campaign, tmp_path
):
    province = Unit.objects.get(pk=tree["PV"].pk)
    direct = [
        Unit.objects.add_child(
            province,
            {"code": f"G{n:02d}", "name": f"CĐCS trực thuộc {n:02d}", "kind": "grassroots"},
        )
        for n in range(pdf.DIRECT_ROWS + 1)
    ]
    for n, unit in enumerate(direct[:4]):
        file_report(unit, campaign, late=n == 0, sessions=n + 1, participants=100)
    summary = make_summary(Unit.objects.get(pk=province.pk), campaign, cast["cspl"])
    context = pdf.document_context(summary)
    data = rollup(campaign, YEAR, province)
    with translation.override(settings.LANGUAGE_CODE):
        label = gettext("Other units directly below") + f" ({len(direct)})"
        direct_heading = gettext("Other units directly below") + ": "
    rows = {row["label"]: row for row in context["children"]}
    # The three areas one by one, the eleven direct units in one row, their figures added.
    assert list(rows) == [tree["DA"].name, tree["DB"].name, tree["SE"].name, label]
    assert rows[label]["status"][:6] == ["11", "4", "3", "1", "0", "7"]
    assert rows[label]["totals"] == ["10", "400"]
    assert sum(int(row["status"][0]) for row in context["children"]) == data["headline"]["expected"]
    listed = appendix_units(context)
    assert sorted(
        name for heading, name, _ in listed if heading.startswith(direct_heading)
    ) == sorted(unit.name for unit in direct)
    assert label in flat(pdftotext(pdf.render_summary_pdf(summary), tmp_path))


def test_a_districts_appendix_puts_its_own_report_first_then_the_units_directly_below(
    tree, cast, campaign
):
    context = pdf.document_context(make_summary(tree["DA"], campaign, cast["cspl"]))
    with translation.override(settings.LANGUAGE_CODE):
        own = tree["DA"].name + " " + gettext("(own report)")
        below = gettext("Units directly below") + ": "
    listed = appendix_units(context)
    assert listed[0][:2] == (own, tree["DA"].name)
    assert sorted(name for heading, name, _ in listed if heading.startswith(below)) == [
        tree["A1"].name,
        tree["A2"].name,
    ]
    # Two units directly below: each keeps its own row in the tables.
    assert [row["label"] for row in context["children"]] == [
        own,
        tree["A1"].name,
        tree["A2"].name,
    ]


def test_the_appendix_costs_one_query_whatever_the_number_of_units(
    tree, campaign, django_assert_num_queries
):
    data = rollup(campaign, YEAR, tree["PV"])
    with django_assert_num_queries(1):
        rows = pdf.appendix_rows(campaign, YEAR, tree["PV"], data)
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == data["headline"]["expected"] == 7
    assert by_name[tree["DA"].name]["values"] == {"sessions": 12, "participants": 345}
    assert by_name[tree["DB"].name]["category"] == "late"
    # Submitted but not accepted: listed, its figures not counted.
    assert by_name[tree["SE"].name]["counted"] is False
    assert by_name[tree["SE"].name]["values"] == {"sessions": None, "participants": None}


def test_user_text_is_normalised_to_nfc_before_rendering(tree, cast, campaign):
    decomposed = unicodedata.normalize("NFD", SIGNER)
    assert decomposed != SIGNER
    summary = make_summary(tree["PV"], campaign, cast["cspl"], signer_name=decomposed)
    html = pdf.render_html(summary)
    assert SIGNER in html
    assert decomposed not in html


def test_the_download_name_is_plain_ascii_from_the_number(tree, cast, campaign):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    assert pdf.pdf_filename(summary) == "bao-cao-15-BC-LDLD.pdf"


# --- hostile text ---------------------------------------------------------------------------------
TEXT_FIELDS = [
    "number",
    "place",
    "parent_body",
    "issuing_body",
    "subject",
    "addressee",
    "signer_block",
    "signer_title",
    "signer_name",
    "recipients",
    "general_assessment",
    "results",
    "shortcomings",
    "obstacles_proposals",
    "direction",
]


UPPER_FIELDS = {"parent_body", "issuing_body", "signer_block", "signer_title"}


def payloads(base):
    return [
        '<img src="file:///etc/passwd">',
        f'<img src="{base}/i.png">',
        f"</p><style>@import url({base}/i.css);</style>",
        f'<div style="background:url({base}/b.png)">x</div>',
        f'<link rel="stylesheet" href="{base}/l.css">',
        f'<svg><image href="{base}/s.png"/></svg>',
        f"@import url({base}/t.css);",
        f"body {{ background: url({base}/t.png) }}",
        '<img src="portal://static/../../../etc/passwd">',
    ]


def test_hostile_text_in_every_field_is_never_fetched_and_shows_as_text(
    tree, cast, campaign, tmp_path, http_spy, monkeypatch
):
    urllib.request.urlopen(http_spy.url + "/control").read()  # noqa: S310 -- the spy counts
    assert http_spy.hits == ["/control"]
    http_spy.hits.clear()
    attacks = payloads(http_spy.url)
    fields = {}
    for index, name in enumerate(TEXT_FIELDS):
        fields[name] = f"F{index:02d}" + attacks[index % len(attacks)]
    fields["general_assessment"] = "\n".join(attacks)
    # Names that reach the PDF from the data: the tables, the appendix and the charts' SVG.
    Unit.objects.filter(pk=tree["DA"].pk).update(short_name=attacks[1])
    Unit.objects.filter(pk=tree["DB"].pk).update(short_name=attacks[5])
    campaign.indicators.filter(code="sessions").update(name=attacks[2])
    fetched = []
    fetch = pdf.PortalURLFetcher.fetch

    def spying(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf.PortalURLFetcher, "fetch", spying)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"], **fields), cast["cspl"])
    content = pdf.render_summary_pdf(summary)

    assert http_spy.hits == []
    # The stylesheet and the charts' data: URLs were all that was asked for.
    assert pdf.STYLESHEET_URL in fetched
    assert all(
        url == pdf.STYLESHEET_URL or url.startswith("data:image/svg+xml;base64,") for url in fetched
    ), fetched
    assert pdf_listing("pdfimages", content, tmp_path) == []  # no raster image came in
    text = squeezed(pdftotext(content, tmp_path, "-raw"))
    for attack in attacks:
        assert squeezed(attack) in text, attack  # printed as typed
    for name in TEXT_FIELDS:
        typed = fields[name].splitlines()[0]
        shown = typed.upper() if name in UPPER_FIELDS else typed
        assert squeezed(shown) in text, name
    html = pdf.render_html(summary)
    for attack in attacks:
        assert "<" not in attack or attack not in html, attack  # escaped, never markup


def test_the_renderer_refuses_every_url_but_data_and_static_even_in_raw_html(tmp_path, http_spy):
    """If escaping ever failed, the fetcher still lets nothing in: only the data: image."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(PIXEL)
    data_url = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    html = f"""<html><head>
      <link rel="stylesheet" href="{http_spy.url}/link.css">
      <style>@import url("{http_spy.url}/import.css");
        body {{ background: url({http_spy.url}/bg.png) }}</style></head><body>
      <img src="file://{secret}"><img src="{secret}"><img src="{http_spy.url}/a.png">
      <img src="{http_spy.url}/redirect"><img src="https://127.0.0.1:1/b.png">
      <img src="portal://static/../../../../{secret}"><img src="ftp://127.0.0.1/c.png">
      <img src="{data_url}"><p>Nội dung</p></body></html>"""
    images = pdf_listing("pdfimages", pdf.html_to_pdf(html), tmp_path)
    assert http_spy.hits == []
    pictures = [row for row in images if row.split()[2] == "image"]  # not their alpha masks
    assert len(pictures) == 1  # the data: pixel, and nothing else


# --- the fetcher on its own -----------------------------------------------------------------------
def test_the_fetcher_serves_data_urls():
    response = pdf.PortalURLFetcher().fetch("data:text/plain;base64,Y2jDoG8=")
    assert response.read() == "chào".encode()


def test_the_fetcher_serves_the_projects_own_static_files():
    response = pdf.PortalURLFetcher().fetch(pdf.STYLESHEET_URL)
    assert response.read() == (Path(settings.BASE_DIR) / "static/css/pdf.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "portal://static/../config/settings.py",
        "portal://static/css/../../manage.py",
        "portal://static/%2e%2e/manage.py",
        "portal://static/css/%2E%2E/%2E%2E/manage.py",
        "portal://static//etc/passwd",
        "portal://static/css/./pdf.css",
        "portal://static/css%2F..%2F..%2Fmanage.py",
        "portal://static/css\\..\\..\\manage.py",
        "portal://static/css/pdf.css%00.png",
        "portal://static/",
        "portal://media/plans/1/scan.pdf",
        "portal:///etc/passwd",
        "portal://static/no/such/file.css",
    ],
)
def test_the_fetcher_refuses_paths_outside_the_static_files(url):
    with pytest.raises(ValueError):
        pdf.PortalURLFetcher().fetch(url)


def test_the_fetcher_refuses_a_symbolic_link_out_of_the_static_directory(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("p {}")
    (static / "leak.css").symlink_to("/etc/passwd")
    fetcher = pdf.PortalURLFetcher(static_dirs=[static])
    assert fetcher.fetch("portal://static/ok.css").read() == b"p {}"
    with pytest.raises(ValueError):
        fetcher.fetch("portal://static/leak.css")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "https://127.0.0.1:1/x.png",
        "ftp://127.0.0.1/x.png",
        "javascript:alert(1)",
        "css/pdf.css",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_file_http_and_every_other_scheme(url):
    with pytest.raises(ValueError):
        pdf.PortalURLFetcher().fetch(url)


def test_the_fetcher_refuses_http_and_never_follows_a_redirect(http_spy):
    fetcher = pdf.PortalURLFetcher()
    for path in ("/a.png", "/redirect"):
        with pytest.raises(ValueError):
            fetcher.fetch(http_spy.url + path)
    assert http_spy.hits == []
    assert not any(isinstance(handler, HTTPRedirectHandler) for handler in fetcher.handlers)


# --- the child process ----------------------------------------------------------------------------
def _answer(value):
    return value * 2


def _allocate(size):
    return len(bytearray(size))


def _sleep(seconds):
    time.sleep(seconds)


def _explode():
    raise RuntimeError("kaboom")


def _die():
    os._exit(3)


def test_a_render_in_the_child_returns_its_result():
    assert pdf.run_isolated(_answer, 21, timeout=30) == 42


@translation.override("en")
def test_a_render_that_grows_past_the_memory_cap_fails_with_a_memory_message():
    # 64 MiB allowed; the child asks for 2 GiB, and the parent lives on.
    with pytest.raises(pdf.RenderError, match="64 MiB"):
        pdf.run_isolated(_allocate, 2 * 1024**3, timeout=30, memory_limit=64 * 1024**2)
    assert pdf.run_isolated(_allocate, 1024, timeout=30, memory_limit=64 * 1024**2) == 1024


@translation.override("en")
def test_a_render_that_overruns_is_killed_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(pdf.RenderError, match="1 seconds"):
        pdf.run_isolated(_sleep, 60, timeout=1)
    assert time.monotonic() - started < 10


@translation.override("en")
def test_an_error_or_a_crash_in_the_child_is_reported_with_its_reason():
    with pytest.raises(pdf.RenderError, match="RuntimeError: kaboom"):
        pdf.run_isolated(_explode, timeout=30)
    with pytest.raises(pdf.RenderError, match="exit code 3"):
        pdf.run_isolated(_die, timeout=30)


def test_the_pdf_renders_the_same_in_the_child_process(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary, isolated=True)
    assert content.startswith(b"%PDF")
    assert SIGNER in pdftotext(content, tmp_path)
