"""The demo's issued summaries (reports/demo.py): LĐLĐ huyện Châu Thành's 2024 report of
10/01/2025 and LĐLĐ tỉnh Bến Tre's of 20/01/2025, each issued by its reviewer, rendered
and signed with the test certificate the demo makes, whose name says it is a test; loading
the demo twice issues nothing new.

The demo is the session's copy of its first load (`demo_snapshots`, tests/snapshot.py);
loading it again, or making it fail, still runs the command, on top."""

import io
import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.utils import translation
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.reader import PdfFileReader

from campaign.models import Notification
from reports import demo as demo_data
from reports import signing
from reports.models import DocumentRegister, SummaryReceipt, SummaryReport, placeholder_in
from tests.reports.summaries import flat, pdftotext

S = SummaryReport.Status
RS = SummaryReport.RenderState

EXPECTED = {
    "BT-CT": {
        "issuer": "ldld.chauthanh",
        "date": "10/01/2025",
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
    "BT": {
        "issuer": "cspl",
        "date": "20/01/2025",
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
    return {s.unit.code: s for s in SummaryReport.objects.select_related("unit", "issued_by")}


def content(summary):
    with summary.pdf.open("rb") as handle:
        return handle.read()


def test_the_demo_issues_a_district_and_a_province_summary_signed_with_its_test_certificate(
    demo, signing_dir, settings, tmp_path
):
    assert set(demo) == set(EXPECTED)
    assert demo["BT-CT"].unit.kind == "district" and demo["BT"].unit.kind == "province"
    # The test certificate, named as one, with the federation as its organisation.
    p12 = signing_dir / demo_data.CERTIFICATE_FILE
    _key, cert, chain = pkcs12.load_key_and_certificates(
        p12.read_bytes(), demo_data.CERTIFICATE_PASSPHRASE.encode()
    )
    name = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert "THỬ NGHIỆM" in name and "không có giá trị pháp lý" in name
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Liên đoàn Lao động tỉnh Bến Tre"
    )
    assert [c.subject for c in chain] == [cert.issuer]
    assert chain[0].extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    # The pages of a portal configured with the demo's certificate, as `make run` is.
    settings.SIGNING_PKCS12_PATH = str(p12)
    settings.SIGNING_PKCS12_PASSPHRASE = demo_data.CERTIFICATE_PASSPHRASE
    for code, expected in EXPECTED.items():
        summary = demo[code]
        assert summary.status == S.ISSUED and summary.render_state == RS.DONE, summary.render_error
        assert summary.issued_by.username == expected["issuer"]
        assert summary.dated_on.strftime("%d/%m/%Y") == expected["date"]
        assert summary.issued_at.date() == summary.dated_on
        assert summary.number == "1/BC-LĐLĐ" and summary.year == 2024
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
        assert [line for line in lines if placeholder_in(line)] == []
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


def test_the_stamp_font_is_in_thousandths_of_an_em():
    assert TTFont(signing._stamp_font())["head"].unitsPerEm == 1000


def test_loading_the_demo_twice_issues_nothing_new(demo, signing_dir):
    def state():
        return (
            list(
                SummaryReport.objects.order_by("pk").values_list(
                    "pk", "number", "status", "render_state", "pdf", "issued_at"
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

    # A render that failed is made again, and nothing else.
    province = demo["BT"]
    SummaryReport.objects.filter(pk=province.pk).update(
        render_state=RS.FAILED, render_error="killed", pdf=""
    )
    call_command("load_demo", force=True, stdout=io.StringIO())
    province.refresh_from_db()
    assert province.render_state == RS.DONE and province.pdf
    assert SummaryReport.objects.count() == 2
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

    province = demo["BT"]
    SummaryReport.objects.filter(pk=province.pk).update(render_state=RS.FAILED, pdf="")
    monkeypatch.setattr(demo_data.summary_tasks, "render", broken_render)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("vi"), pytest.raises(CommandError, match="1 tệp PDF"):
        call_command("load_demo", force=True, stdout=out, stderr=err)
    assert "1/BC-LĐLĐ" in err.getvalue() and "no fonts" in err.getvalue()
    # The accounts were listed and nothing already loaded was undone.
    assert "cb.tanthach" in out.getvalue()
    assert SummaryReport.objects.get(unit__code="BT-CT").render_state == RS.DONE
