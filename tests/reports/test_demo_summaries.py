"""The demo's issued summaries (reports/demo.py): LĐLĐ huyện Châu Thành's 2024 report of
10/01/2025 and LĐLĐ tỉnh Bến Tre's of 20/01/2025, each issued by its reviewer, and LĐLĐ
tỉnh Vĩnh Long's 2025 report of 20/01/2026 with its correction of 27/01/2026, issued by
`cspl`; each rendered and signed with the test certificate the demo makes, whose name says
it is a test. The correction and the version it supersedes link each other, and the
Standing Committee lists both. Loading the demo twice issues nothing new.

The demo is the session's copy of its first load (`demo_snapshots`, tests/snapshot.py);
loading it again, or making it fail, still runs the command, on top."""

import io
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader

from campaign.models import Notification
from reports import demo as demo_data
from reports import pdf, signing
from reports.models import DocumentRegister, SummaryReceipt, SummaryReport, placeholder_in
from tests.reports.recount import recount_accepted
from tests.reports.summaries import flat, pdftotext
from units.models import User

S = SummaryReport.Status
RS = SummaryReport.RenderState

# The register of a unit numbers from 1 each year of the document's date, in the order of
# issue: the Vĩnh Long report is the first document of its 2026 register, its correction
# the second.
FIRST, SECOND = "1/BC-LĐLĐ", "2/BC-LĐLĐ"
SUPERSEDED_VL, CORRECTION_VL = ("VL", FIRST), ("VL", SECOND)
VL_TEXTS = [
    "TỔNG LĐLĐ VIỆT NAM",
    "LIÊN ĐOÀN LAO ĐỘNG TỈNH VĨNH LONG",
    "Kết quả năm 2025",
    "TM. BAN THƯỜNG VỤ",
    "PHÓ CHỦ TỊCH",
    "Người ký thử nghiệm",
    "Nơi nhận:",
    "Tổng LĐLĐ Việt Nam (Ban Chính sách – Pháp luật) (để báo cáo);",
    "Thường trực Tỉnh ủy Vĩnh Long (để báo cáo);",
    "Lưu: VT, Ban CSPL.",
    "PHỤ LỤC",
    "Ký bởi: Liên đoàn Lao động tỉnh Vĩnh Long",
]
# By unit code and number.
EXPECTED = {
    ("BT-CT", FIRST): {
        "issuer": "ldld.chauthanh",
        "date": "10/01/2025",
        "year": 2024,
        "status": S.ISSUED,
        "texts": [
            "LĐLĐ TỈNH BẾN TRE",
            "LIÊN ĐOÀN LAO ĐỘNG HUYỆN CHÂU THÀNH",
            "Số: 1/BC-LĐLĐ",
            "Châu Thành, ngày 10 tháng 01 năm 2025",
            "Kết quả năm 2024",
            "TM. BAN THƯỜNG VỤ",
            "CHỦ TỊCH",
            "Người ký thử nghiệm",
            "Nơi nhận:",
            "Liên đoàn Lao động tỉnh Bến Tre (Ban CSPL) (để báo cáo);",
            "Thường trực Huyện ủy Châu Thành (để báo cáo);",
            "Lưu: VT.",
            "PHỤ LỤC",
            "Kèm theo Báo cáo số 1/BC-LĐLĐ ngày 10/01/2025 của Liên đoàn Lao động huyện Châu Thành",
            "Ký bởi: Liên đoàn Lao động huyện Châu Thành",
        ],
    },
    ("BT", FIRST): {
        "issuer": "cspl",
        "date": "20/01/2025",
        "year": 2024,
        "status": S.ISSUED,
        "texts": [
            "TỔNG LĐLĐ VIỆT NAM",
            "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẾN TRE",
            "Số: 1/BC-LĐLĐ",
            "Bến Tre, ngày 20 tháng 01 năm 2025",
            "Kết quả năm 2024",
            "TM. BAN THƯỜNG VỤ",
            "PHÓ CHỦ TỊCH",
            "Người ký thử nghiệm",
            "Nơi nhận:",
            "Tổng LĐLĐ Việt Nam (Ban Chính sách – Pháp luật) (để báo cáo);",
            "Thường trực Tỉnh ủy Bến Tre (để báo cáo);",
            "Lưu: VT, Ban CSPL.",
            "PHỤ LỤC",
            "Kèm theo Báo cáo số 1/BC-LĐLĐ ngày 20/01/2025 của Liên đoàn Lao động tỉnh Bến Tre",
            "Ký bởi: Liên đoàn Lao động tỉnh Bến Tre",
        ],
    },
    SUPERSEDED_VL: {
        "issuer": "cspl",
        "date": "20/01/2026",
        "year": 2025,
        "status": S.SUPERSEDED,
        "texts": [
            *VL_TEXTS,
            "Số: 1/BC-LĐLĐ",
            "Vĩnh Long, ngày 20 tháng 01 năm 2026",
            "Kèm theo Báo cáo số 1/BC-LĐLĐ ngày 20/01/2026 của Liên đoàn Lao động tỉnh Vĩnh Long",
            "Từ ngày 01/8/2025,",
        ],
    },
    CORRECTION_VL: {
        "issuer": "cspl",
        "date": "27/01/2026",
        "year": 2025,
        "status": S.ISSUED,
        "texts": [
            *VL_TEXTS,
            "Số: 2/BC-LĐLĐ",
            "(Đính chính Báo cáo số 1/BC-LĐLĐ ngày 20/01/2026)",
            "Vĩnh Long, ngày 27 tháng 01 năm 2026",
            "Kèm theo Báo cáo số 2/BC-LĐLĐ ngày 27/01/2026 của Liên đoàn Lao động tỉnh Vĩnh Long",
            "Từ ngày 01/7/2025,",
        ],
    },
}


@pytest.fixture
def signing_dir():
    """The test process's own directory for the demo certificate (config/settings_test.py):
    its first demo load made the certificate there and signed the PDFs the demo snapshot
    restores with it."""
    return demo_data.signing_dir()


@pytest.fixture
def demo(db, signing_dir, demo_snapshots):
    demo_snapshots.load()
    return {
        (s.unit.code, s.number): s
        for s in SummaryReport.objects.select_related("unit", "issued_by", "supersedes")
    }


def content(summary):
    with summary.pdf.open("rb") as handle:
        return handle.read()


def test_the_demo_issues_a_district_and_a_province_summary_signed_with_its_test_certificate(
    demo, signing_dir, settings, tmp_path
):
    assert set(demo) == set(EXPECTED)
    assert demo["BT-CT", FIRST].unit.kind == "district" and demo["BT", FIRST].unit.kind == (
        "province"
    )
    # The test certificate, named as one, for a test organisation: it signs the documents of
    # two federations, before and after their merger.
    p12 = signing_dir / demo_data.CERTIFICATE_FILE
    _key, cert, chain = pkcs12.load_key_and_certificates(
        p12.read_bytes(), demo_data.CERTIFICATE_PASSPHRASE.encode()
    )
    name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert "THỬ NGHIỆM" in name and "không có giá trị pháp lý" in name
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Tổ chức thử nghiệm"
    )
    assert [c.subject for c in chain] == [cert.issuer]
    assert chain[0].extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    # The pages of a portal configured with the demo's certificate, as `make run` is.
    settings.SIGNING_PKCS12_PATH = str(p12)
    settings.SIGNING_PKCS12_PASSPHRASE = demo_data.CERTIFICATE_PASSPHRASE
    for code, expected in EXPECTED.items():
        summary = demo[code]
        assert summary.status == expected["status"], code
        assert summary.render_state == RS.DONE, summary.render_error
        assert summary.issued_by.username == expected["issuer"]
        assert summary.dated_on.strftime("%d/%m/%Y") == expected["date"]
        assert summary.issued_at.date() == summary.dated_on
        assert summary.year == expected["year"]
        assert summary.issue_problems() == {}
        data = content(summary)
        verification = signing.verify_pdf(data)
        assert verification.state == signing.VALID, verification
        assert verification.ours
        assert verification.signer == demo_data.TEST_NAME

        text = flat(pdftotext(data, tmp_path))
        for wanted in expected["texts"]:
            assert wanted in text, (code, wanted)
        assert "…/" not in text and "/…" not in text
        assert not re.search(r"\bxxx\b", text, re.IGNORECASE)
        lines = [line for line in pdftotext(data, tmp_path).splitlines() if line.strip()]
        # A line of the appendix's cells with no figure ("–") is not a blank left to fill.
        assert [
            line for line in lines if placeholder_in(line) and set(line.split()) != {pdf.NO_FIGURE}
        ] == []
        assert_stamp_inside_its_box(data, tmp_path)


def assert_stamp_inside_its_box(data, tmp_path):
    """The stamp's two lines lie inside the signature field's box (its letters once ran
    twice as wide and out of it)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    page, (x1, y1, x2, y2) = signing.field_box(reader)
    height = float(reader.root["/Pages"]["/Kids"][0]["/MediaBox"][3])
    html = pdftotext(data, tmp_path, "-bbox", "-f", str(page + 1), "-l", str(page + 1))
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    inside = [
        (float(a), float(c), word)
        for a, b, c, d, word in words
        if y1 <= height - float(d) and height - float(b) <= y2 and x1 - 1 <= float(a) <= x2
    ]
    stamp = " ".join(word for _a, _c, word in inside)
    assert stamp.startswith("Ký bởi:") and "Thời gian ký:" in stamp, stamp
    assert max(c for _a, c, _w in inside) <= x2, inside


def test_the_demo_shows_a_correction_and_the_version_it_superseded(demo, client):
    old, new = demo[SUPERSEDED_VL], demo[CORRECTION_VL]
    assert new.supersedes == old and old.supersedes is None
    assert (old.status, new.status) == (S.SUPERSEDED, S.ISSUED)
    assert (old.serial_year, old.serial, new.serial_year, new.serial) == (2026, 1, 2026, 2)
    assert DocumentRegister.objects.get(unit=old.unit, year=2026).last_number == 2
    # A sentence of its narrative corrected, and nothing else.
    assert "Từ ngày 01/8/2025," in old.general_assessment
    assert new.general_assessment == old.general_assessment.replace(
        "Từ ngày 01/8/2025,", "Từ ngày 01/7/2025,"
    )
    for name in ("results", "shortcomings", "obstacles_proposals", "direction", "subject"):
        assert getattr(new, name) == getattr(old, name), name
    # The figures of both are the accepted 2025 reports of Vĩnh Long's area, recounted.
    reports, totals = recount_accepted(old.campaign, 2025, old.unit)
    for summary in (old, new):
        headline = summary.rollup_snapshot["rollup"]["headline"]
        assert headline["reports"] == reports > 0
        assert {code: headline["totals"][code] for code in totals} == totals

    # What the Standing Committee sees: both in its list, the old one marked, each page
    # linking the other.
    client.force_login(User.objects.get(username="thuongvu"))
    listed = client.get(reverse("reports:summary_list"))
    assert {old, new} <= set(listed.context["page"])
    rows = {
        summary: next(
            row
            for row in listed.content.decode().split("<tr")
            if f'href="{summary.get_absolute_url()}"' in row
        )
        for summary in (old, new)
    }
    assert "Đã được đính chính" in rows[old] and "Đã được đính chính" not in rows[new]
    # The correction's row names the number it corrects: the list tells the two apart.
    assert "đính chính cho số 1/BC-LĐLĐ" in rows[new] and "đính chính cho" not in rows[old]
    old_page = client.get(old.get_absolute_url()).content.decode()
    assert "đã được đính chính bởi báo cáo số 2/BC-LĐLĐ" in old_page
    assert f'href="{new.get_absolute_url()}"' in old_page
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert f'<a href="{old.get_absolute_url()}">1/BC-LĐLĐ</a>' in new_page
    # Both were delivered to it, and read, in January 2026.
    receipts = SummaryReceipt.objects.filter(user__username="thuongvu", summary__in=[old, new])
    assert sorted(r.read_at.date().isoformat() for r in receipts) == ["2026-01-21", "2026-01-28"]


def test_the_stamp_font_is_in_thousandths_of_an_em():
    assert TTFont(signing._stamp_font())["head"].unitsPerEm == 1000


def test_loading_the_demo_twice_issues_nothing_new(demo, signing_dir):
    def state():
        return (
            list(
                SummaryReport.objects.order_by("pk").values_list(
                    "pk", "number", "status", "supersedes", "render_state", "pdf", "issued_at"
                )
            ),
            list(
                DocumentRegister.objects.order_by("pk").values_list("unit", "year", "last_number")
            ),
            SummaryReceipt.objects.count(),
            Notification.objects.filter(key__startswith="summary-").count(),
        )

    before = state()
    certificate = (signing_dir / demo_data.CERTIFICATE_FILE).read_bytes()
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert state() == before
    assert (signing_dir / demo_data.CERTIFICATE_FILE).read_bytes() == certificate
    assert not Notification.objects.filter(key__startswith="summary-", sent_at__isnull=True)

    # A render that failed is made again, and nothing else: a superseded version's too.
    failed = [demo["BT", FIRST], demo[SUPERSEDED_VL]]
    SummaryReport.objects.filter(pk__in=[s.pk for s in failed]).update(
        render_state=RS.FAILED, render_error="killed", pdf=""
    )
    call_command("load_demo", force=True, stdout=io.StringIO())
    for summary in failed:
        summary.refresh_from_db()
        assert summary.render_state == RS.DONE and summary.pdf
    assert SummaryReport.objects.count() == len(EXPECTED)
    assert [row[:4] for row in state()[0]] == [row[:4] for row in before[0]]
    assert state()[1:] == before[1:]


def test_make_run_points_the_development_server_at_the_demo_certificate(settings):
    script = (settings.BASE_DIR / ".ci" / "setup.sh").read_text()
    assert f'var/demo-signing/{demo_data.CERTIFICATE_FILE}"' in script
    assert f"SIGNING_PKCS12_PASSPHRASE={demo_data.CERTIFICATE_PASSPHRASE}\n" in script


def test_a_demo_pdf_that_cannot_be_made_fails_the_command_after_saving_the_rest(demo, monkeypatch):
    from django.core.management.base import CommandError

    def broken_render(pk):
        SummaryReport.objects.filter(pk=pk).update(render_state=RS.FAILED, render_error="no fonts")
        return SummaryReport.objects.get(pk=pk)

    province = demo["BT", FIRST]
    SummaryReport.objects.filter(pk=province.pk).update(render_state=RS.FAILED, pdf="")
    monkeypatch.setattr(demo_data.summary_tasks, "render", broken_render)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("vi"), pytest.raises(CommandError, match="1 tệp PDF"):
        call_command("load_demo", force=True, stdout=out, stderr=err)
    assert "1/BC-LĐLĐ" in err.getvalue() and "no fonts" in err.getvalue()
    # The accounts were listed and nothing already loaded was undone.
    assert "cb.tanthach" in out.getvalue()
    assert SummaryReport.objects.get(unit__code="BT-CT").render_state == RS.DONE
