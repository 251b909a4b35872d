"""The concrete inputs the fuzz tests found mishandled, each kept as a plain test."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaign.models import Activity, Obstacle, Plan
from reports.models import SummaryReport
from tests.campaign.plans import plan_data
from tests.campaign.upload_files import PDF_BYTES
from tests.fuzz.helpers import assert_refused_in_vietnamese, error_messages
from units.importing import UnitImportError, import_units
from units.models import Unit

NFD_SIGNER = unicodedata.normalize("NFD", "Chủ tịch Nguyễn Văn Ước")


@pytest.fixture
def officer(vi_client, cast):
    vi_client.force_login(cast["officer_a1"])
    return vi_client


@pytest.fixture
def start_url(tree, campaign):
    return reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])


def test_decomposed_vietnamese_is_stored_composed(officer, start_url, tree):
    response = officer.post(start_url, plan_data(signer=NFD_SIGNER, doc_number=" \ufeff05/KH "))
    assert response.status_code == 302
    plan = Plan.objects.get(unit=tree["A1"])
    assert plan.signer == "Chủ tịch Nguyễn Văn Ước"
    assert unicodedata.is_normalized("NFC", plan.signer)
    assert plan.doc_number == "05/KH"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("doc_number", "\u200b", "Trường này là bắt buộc."),  # invisible only
        ("summary", "Tuyên truyền\x00", "(U+0000)"),  # PostgreSQL cannot store NUL
        ("summary", "Tuyên truyền\x0bCCHC", "(U+000B)"),  # breaks the Excel export
        ("doc_number", "05/KH\nCĐCS", "một dòng"),  # a header field is one line
        ("doc_date", "01/07/0015", "01/01/2000"),  # a year typed with two digits
        ("doc_date", "31/12/9999", "31/12/2100"),
        ("doc_date", "31/02/2025", "Không có ngày 31/02/2025: tháng 2 năm 2025 chỉ có 28 ngày."),
        ("doc_date", "31.01.2025", "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2025."),
        ("activities-0-themes", "abc", "không phải là một giá trị hợp lệ"),
        ("activities-0-expected_participants", "1,5", "ví dụ 1234 hoặc 1.234"),
        ("activities-TOTAL_FORMS", None, "tải lại trang"),  # management form tampered with
        ("activities-TOTAL_FORMS", "1000000", "tối đa 100 dòng"),
    ],
)
def test_bad_plan_input_is_refused_in_vietnamese_and_nothing_is_saved(
    officer, start_url, field, value, expected
):
    response = officer.post(start_url, plan_data(**{field: value}))
    assert_refused_in_vietnamese(response)
    assert any(expected in message for message in error_messages(response)), error_messages(
        response
    )
    assert not Plan.objects.exists()
    assert not Activity.objects.exists()


def test_a_tampered_version_shows_an_error_and_leaves_the_plan_alone(officer, plan_a1):
    before = Plan.objects.values().get(pk=plan_a1.pk)
    data = plan_data(
        version="abc",
        **{
            "activities-TOTAL_FORMS": "1",
            "activities-INITIAL_FORMS": "1",
            "activities-0-id": str(plan_a1.activities.get().pk),
        },
    )
    response = officer.post(reverse("campaign:plan_edit", args=[plan_a1.pk]), data)
    assert_refused_in_vietnamese(response)
    assert "dữ liệu ẩn bị hỏng" in response.content.decode()
    assert Plan.objects.values().get(pk=plan_a1.pk) == before


def test_a_nul_in_a_choice_is_refused_in_vietnamese(officer, tree, campaign):
    data = {"unit": "1\x00", "campaign": str(campaign.pk), "subject": "Hỏi", "text": "Nội dung"}
    response = officer.post(reverse("campaign:obstacle_create"), data)
    assert_refused_in_vietnamese(response)
    assert "Không được nhập ký tự rỗng (NUL)." in error_messages(response)
    assert not Obstacle.objects.exists()


def test_a_far_future_summary_date_is_refused(vi_client, tree, cast, campaign):
    summary = SummaryReport.objects.create(
        campaign=campaign,
        year=2024,
        unit=tree["PV"],
        issuing_body="LĐLĐ tỉnh Thử nghiệm",
        subject="Kết quả năm 2024",
        created_by=cast["cspl"],
    )
    vi_client.force_login(cast["cspl"])
    data = {
        "version": "1",
        "include": "accepted",
        "place": "Bến Tre",
        "dated_on": "31/12/9999",
        "issuing_body": "LĐLĐ tỉnh",
        "subject": "Kết quả năm 2024",
        "signer_title": "Chủ tịch",
        "recipients": "Lưu VT",
    }
    response = vi_client.post(reverse("reports:summary_edit", args=[summary.pk]), data)
    assert_refused_in_vietnamese(response)
    summary.refresh_from_db()
    assert summary.version == 1


def _import(**row):
    with translation.override("vi"):
        return import_units([{"line": 2, "kind": "CĐCS", "parent_code": "PV", **row}])


def test_an_imported_name_with_a_nul_is_refused_with_its_line(tree):
    with pytest.raises(UnitImportError) as refused:
        _import(code="N1", name="CĐCS\x00 Điện lực")
    assert refused.value.errors == [
        (2, "Cột tên (name) có ký tự điều khiển không nhìn thấy được (U+0000).")
    ]
    assert not Unit.objects.filter(code="N1").exists()


def test_an_imported_code_with_a_space_is_refused_with_a_plain_message(tree):
    # The code's rule came back as a lazy translation among formatted strings: a caller
    # matching the messages as text (a log, a check) failed on it.
    with pytest.raises(UnitImportError) as refused:
        _import(code="N 1", name="CĐCS Điện lực")
    [(line, message)] = refused.value.errors
    assert line == 2 and type(message) is str
    assert message.startswith("Mã chỉ gồm chữ cái không dấu")


def test_imported_names_are_composed_on_one_line_without_invisible_edges(tree):
    name = unicodedata.normalize("NFD", "\ufeffCĐCS Điện lực\nBến Tre\u200b")
    _import(code="N1", name=name)
    assert Unit.objects.get(code="N1").name == "CĐCS Điện lực Bến Tre"


def test_the_edges_of_a_date_range_are_accepted(officer, start_url, tree, campaign):
    # A plan dated the day its campaign was issued: the earliest a plan can be.
    edge = campaign.issued_on
    response = officer.post(start_url, plan_data(doc_date=edge.strftime("%d/%m/%Y")))
    assert response.status_code == 302
    assert Plan.objects.get(unit=tree["A1"]).doc_date == edge


def test_a_report_for_a_year_past_2100_is_refused_not_a_server_error(
    vi_client, cast, tree, campaign
):
    # The campaign has no last year; the period of year 53,943,302,360,048 overflowed.
    vi_client.force_login(cast["officer_a1"])
    for year in (2101, 10_000, 53_943_302_360_048):
        response = vi_client.get(
            reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
        )
        assert response.status_code == 404
        assert "Kế hoạch thực hiện từ năm 2015" in response.content.decode()


def test_a_file_name_too_long_to_read_gets_a_vietnamese_page_and_nothing_saved(officer, start_url):
    # 400 KB of file name: Django refuses the multipart headers before any view runs.
    scan = SimpleUploadedFile("😀" * 100_000 + ".pdf", PDF_BYTES)
    response = officer.post(start_url, {**plan_data(), "file": scan})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hệ thống không đọc được dữ liệu đã gửi" in page
    assert "Chưa có gì được lưu." in page
    assert not Plan.objects.exists()


def test_a_control_character_in_a_text_figure_is_refused_before_it_breaks_the_excel_export(
    officer, report_a1
):
    # Saved, "Pa nô\x0báp phích" made openpyxl refuse the dashboard's workbook (a 500).
    data = {
        "version": "1",
        "results": "Tổ chức tuyên truyền.",
        "self_assessment": "good",
        "value_sessions": "3",
        "value_participants": "4",
        "value_other_forms": "Pa nô\x0báp phích",
    }
    response = officer.post(reverse("campaign:report_edit", args=[report_a1.pk]), data)
    assert_refused_in_vietnamese(response)
    assert any("(U+000B)" in message for message in error_messages(response))
    assert not report_a1.values.filter(text_value__contains="\x0b").exists()
