"""A required field left empty says what to do, not Django's "This field is required."
("Trường này là bắt buộc."), which names no field and no action."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.forms import ActivityForm, ReportForm
from campaign.models import AnnualReport
from campaign.obstacles import AnswerForm
from campaign.workbook_pages import WorkbookForm

DJANGO_S = "Trường này là bắt buộc."


def errors_of(form):
    with translation.override("vi"):
        form.is_valid()
        return {name: list(messages) for name, messages in form.errors.items()}


def test_the_annual_report_asks_for_its_results_and_self_assessment(tree, campaign):
    # Asked for on submit, not in a draft (tests/campaign/test_report_draft_partial.py).
    assert errors_of(ReportForm({})) == {}
    report = AnnualReport(unit=tree["A1"], campaign=campaign, results="", self_assessment="")
    with translation.override("vi"):
        problems = [str(problem) for problem in report.completeness_problems(values=[])]
    assert problems == [
        "Hãy ghi kết quả đơn vị đã thực hiện trong năm.",
        "Hãy chọn mức tự đánh giá.",
    ]


def test_an_activity_asks_for_its_method_and_audience(campaign):
    errors = errors_of(ActivityForm({}, campaign=campaign))
    assert errors["method"] == ["Hãy chọn hình thức của hoạt động."]
    assert errors["audience"] == ["Hãy ghi đối tượng của hoạt động."]


def test_an_excel_upload_without_a_file_asks_for_the_filled_in_file():
    assert errors_of(WorkbookForm({}, {})) == {"file": ["Hãy chọn tệp Excel đã điền."]}


def test_an_empty_obstacle_says_what_each_field_needs(client, cast):
    client.force_login(cast["officer_a1"])
    response = client.post(reverse("campaign:obstacle_create"), {})
    errors = response.context["form"].errors
    assert errors["unit"] == ["Hãy chọn đơn vị nêu vướng mắc."]
    assert errors["campaign"] == ["Hãy chọn kế hoạch phát động mà vướng mắc liên quan đến."]
    assert errors["subject"] == ["Hãy nhập tiêu đề ngắn cho vướng mắc."]
    assert errors["text"] == ["Hãy mô tả vướng mắc: điều gì đang gây khó khăn và đơn vị cần gì."]
    assert DJANGO_S not in response.content.decode()


def test_an_empty_answer_to_an_obstacle_asks_for_the_answer():
    assert errors_of(AnswerForm({}))["answer"] == ["Hãy nhập nội dung trả lời để đơn vị đọc."]


def test_an_empty_inspection_says_what_each_field_needs(client, cast):
    client.force_login(cast["cspl"])
    response = client.post(reverse("campaign:inspection_create"), {})
    errors = response.context["form"].errors
    assert errors["unit"] == ["Hãy chọn đơn vị được kiểm tra."]
    assert errors["campaign"] == ["Hãy chọn kế hoạch phát động được kiểm tra."]
    assert errors["visited_on"] == ["Hãy nhập ngày kiểm tra, ví dụ 31/12/2025."]
    assert errors["kind"] == ["Hãy chọn kiểm tra hoặc giám sát."]
    assert errors["members"] == ["Hãy ghi thành viên đoàn, mỗi người một dòng."]
    assert errors["findings"] == ["Hãy ghi kết quả kiểm tra."]
    assert DJANGO_S not in response.content.decode()


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("", "mật-khẩu", "username", "Hãy nhập tên đăng nhập."),
        ("cb.thu", "", "password", "Hãy nhập mật khẩu."),
    ],
)
def test_the_login_form_asks_for_what_is_missing(client, db, username, password, field, message):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.context["form"].errors[field] == [message]
    assert DJANGO_S not in response.content.decode()
