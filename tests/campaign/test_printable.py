"""A printable page and a PDF of a unit's plan and annual report, headed with the unit's
letterhead as it stood on the document's date, fetched through the access scope."""

import datetime
import subprocess
import unicodedata

import pytest
from django.urls import reverse

from campaign.models import IndicatorValue, Status, Theme
from config import pdf_sandbox
from units.letterhead import letterhead
from units.models import Unit, UnitState
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def report_a1(tree, campaign, report_factory):
    report = report_factory(tree["A1"], campaign, 2016, Status.SUBMITTED)
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=1234
    )
    return report


def pdf_text(content, tmp_path):
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return " ".join(text.split()), fonts.stdout


def test_the_printable_plan_carries_the_letterhead_and_the_activities(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_print", args=[plan_a1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    parent = '<span class="group">LĐLĐ</span> <span class="group">HUYỆN A</span>'
    assert f'<div class="parent-body">{parent}</div>' in html
    assert '<div class="issuing-body"><span class="group">CĐCS A1</span></div>' in html
    assert "A, ngày 01 tháng 7 năm 2015" in html
    assert "Số: 12/KH-A1" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Đoàn viên công đoàn 0" in html
    assert "Chủ tịch công đoàn" in html
    assert reverse("campaign:plan_pdf", args=[plan_a1.pk]) in html


def test_a_draft_plan_without_activities_says_so_instead_of_an_empty_table(client, cast, plan_a1):
    plan_a1.activities.all().delete()
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    assert '<td colspan="6" class="empty">Kế hoạch chưa có hoạt động nào.</td>' in html


def test_the_plan_pdf_has_the_unit_the_figures_and_vietnamese_glyphs(
    client, cast, plan_factory, tree, campaign, tmp_path
):
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=2)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-A1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text, fonts = pdf_text(response.content, tmp_path)
    assert "LĐLĐ HUYỆN A" in text
    assert "CĐCS A1" in text
    assert "KẾ HOẠCH" in text
    assert "Triển khai thực hiện Kế hoạch số 99/KH-LĐLĐ" in text
    assert "Đoàn viên công đoàn 0" in text and "Đoàn viên công đoàn 1" in text
    # 50 and 51 expected participants, and their total.
    assert "50" in text and "51" in text and "101" in text
    assert "Liberation-Serif" in fonts


def test_the_report_pdf_has_the_figures_and_the_narrative(client, cast, report_a1, tmp_path):
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:report_pdf", args=[report_a1.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-A1-2016.pdf"'
    text, _fonts = pdf_text(response.content, tmp_path)
    assert "CĐCS A1" in text
    assert "BÁO CÁO" in text
    assert "Số buổi tuyên truyền" in text
    assert "1.234 buổi" in text
    assert "Tổ chức 5 buổi tuyên truyền." in text
    assert "Số liệu từ ngày 15/12/2015 đến ngày 14/12/2016." in text


def test_the_printable_report_page(client, cast, report_a1):
    client.force_login(cast["reviewer_a"])
    response = client.get(reverse("campaign:report_print", args=[report_a1.pk]))
    html = response.content.decode()
    assert "1.234 buổi" in html
    assert "Trạng thái trên cổng: đã gửi" in html


def test_a_printed_report_names_its_own_campaign(
    client, cast, tree, campaign, other_campaign, report_factory, plan_factory, tmp_path
):
    # A second campaign's report was headed "Kết quả tuyên truyền CCHC năm …", whatever its
    # campaign was about; it now names the campaign as the summary's subject does.
    report = report_factory(tree["A1"], other_campaign, 2016, Status.SUBMITTED)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    subject = (
        '<p class="doc-subject">Kết quả năm 2016 thực hiện Kế hoạch số 7/KH-LĐLĐ: '
        "Chiến dịch thứ hai</p>"
    )
    assert subject in html
    document = html[html.index('<p class="doc-subject">') : html.index("</main>")]
    assert "CCHC" not in document and campaign.title not in html
    response = client.get(reverse("campaign:report_pdf", args=[report.pk]))
    text, _fonts = pdf_text(response.content, tmp_path)
    assert "Kết quả năm 2016 thực hiện Kế hoạch số 7/KH-LĐLĐ: Chiến dịch thứ hai" in text
    # The plan's subject already named its campaign.
    plan = plan_factory(tree["A1"], other_campaign, cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan.pk])).content.decode()
    assert "Kế hoạch số 7/KH-LĐLĐ ngày 01/03/2016" in html and "Chiến dịch thứ hai" in html
    assert "99/KH-LĐLĐ" not in html


def test_a_document_keeps_the_names_of_its_date(
    client, cast, tree, plan_a1, reorganise, admin_user
):
    renaming = reorganise(
        datetime.date(2025, 7, 1),
        {"action": "rename", "unit_code": "A1", "name": "CĐCS phường Mới"},
    )
    reorganisation_apply(reorganisation=renaming, user=admin_user)
    assert letterhead(tree["A1"], datetime.date(2015, 7, 1)).issuing_body == "CĐCS A1"
    after = letterhead(tree["A1"], datetime.date(2025, 7, 2))
    assert (after.parent_body, after.issuing_body, after.place) == (
        "LĐLĐ huyện A",
        "CĐCS phường Mới",
        "Mới",
    )
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    assert '<div class="issuing-body"><span class="group">CĐCS A1</span></div>' in html
    assert "PHƯỜNG MỚI" not in html


def test_a_province_is_headed_under_the_confederation(tree):
    names = letterhead(tree["PV"], datetime.date(2020, 1, 1))
    assert names.parent_body == "Tổng LĐLĐ Việt Nam"
    assert names.place == "Thử nghiệm"


@pytest.mark.parametrize("name", ["plan_print", "plan_pdf"])
@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("officer_b1", 404), ("cspl", 200)])
def test_a_plan_is_printed_only_by_who_may_see_it(client, cast, plan_a1, name, who, status):
    client.force_login(cast[who])
    assert client.get(reverse(f"campaign:{name}", args=[plan_a1.pk])).status_code == status


@pytest.mark.parametrize("name", ["report_print", "report_pdf"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, report_a1, name):
    response = client.get(reverse(f"campaign:{name}", args=[report_a1.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_failed_render_says_why_on_the_plan_page(client, cast, plan_a1, monkeypatch):
    def fail(*args, **kwargs):
        raise pdf_sandbox.RenderError("Quá thời gian.")

    monkeypatch.setattr(pdf_sandbox, "run_isolated", fail)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_pdf", args=[plan_a1.pk]), follow=True)
    assert response.redirect_chain[-1][0] == plan_a1.get_absolute_url()
    assert "Quá thời gian." in response.content.decode()


def test_the_plan_page_links_to_its_printable_copy(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    assert reverse("campaign:plan_print", args=[plan_a1.pk]) in html
    assert reverse("campaign:plan_pdf", args=[plan_a1.pk]) in html


def test_the_plans_signature_never_stands_alone_on_its_last_page(
    client, cast, plan_factory, tree, campaign, tmp_path
):
    # With 12 activities here (16 to 21 shorter ones) the table filled the first page and
    # the signing block went over alone: a page signed with nothing of the plan on it.
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=10)
    client.force_login(cast["officer_a1"])
    for count in (12, 16):
        for n in range(plan.activities.count(), count):
            plan.activities.create(
                method="conference", audience=f"Đoàn viên công đoàn {n}", planned_quarter=3
            )
        response = client.get(reverse("campaign:plan_pdf", args=[plan.pk]))
        path = tmp_path / "plan.pdf"
        path.write_bytes(response.content)
        pages = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout.split("\f")[:-1]
        assert len(pages) == 2, count
        signed = " ".join(pages[-1].split())
        assert "Chủ tịch công đoàn" in signed
        assert "Tổng cộng" in signed, count  # the table's last row goes over with it


def test_the_header_keeps_a_place_name_on_one_line(client, cast, tree, plan_a1, tmp_path):
    # "LIÊN ĐOÀN LAO ĐỘNG THÀNH / PHỐ BẾN TRE" split the city's name over two lines: a name
    # breaks only between its groups of words, as the summary report's header does.
    name = "Liên đoàn Lao động thành phố Bến Tre"
    Unit.objects.filter(pk=tree["A1"].pk).update(name=name)
    UnitState.objects.filter(unit=tree["A1"]).update(name=name)
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_pdf", args=[plan_a1.pk]))
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    lines = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.splitlines()
    assert "LIÊN ĐOÀN LAO ĐỘNG" in lines
    assert "THÀNH PHỐ BẾN TRE" in lines


@pytest.mark.parametrize("name", ["plan_pdf", "report_pdf"])
def test_the_signing_block_names_the_unit_in_capitals(
    client, cast, tree, plan_a1, report_a1, name, tmp_path
):
    # Decree 30 prints the authority signing in bold capitals; the copy printed it as
    # "Liên đoàn Lao động thành phố Bến / Tre", in small letters and split in the place.
    unit = "Liên đoàn Lao động thành phố Bến Tre"
    Unit.objects.filter(pk=tree["A1"].pk).update(name=unit)
    UnitState.objects.filter(unit=tree["A1"]).update(name=unit)
    document = plan_a1 if name == "plan_pdf" else report_a1
    client.force_login(cast["officer_a1"])
    response = client.get(reverse(f"campaign:{name}", args=[document.pk]))
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    lines = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    assert lines.count("THÀNH PHỐ BẾN TRE") == 2  # the header's and the signing block's
    assert not any("Lao động thành phố" in line for line in lines)


@pytest.mark.parametrize(
    ("name", "title"),
    [("plan_pdf", "Kế hoạch của CĐCS A1"), ("report_pdf", "Báo cáo năm 2016 của CĐCS A1")],
)
def test_the_pdfs_title_is_vietnamese_whatever_the_interface_language(
    client, settings, cast, plan_a1, report_a1, name, title, tmp_path
):
    # A reader with the interface in English got "Plan of CĐCS A1" as the title of a
    # Vietnamese document, shown in the PDF reader's title bar and read out first.
    client.force_login(cast["officer_a1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    document = plan_a1 if name == "plan_pdf" else report_a1
    response = client.get(reverse(f"campaign:{name}", args=[document.pk]))
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert f"Title:           {title}\n" in info.stdout


def test_letters_stored_with_their_marks_apart_print_as_whole_letters(
    client, cast, plan_a1, tmp_path
):
    # Typed text is normalised by the forms, not what reaches the plan otherwise (the
    # admin, an old import): the PDF's text layer kept the marks apart.
    plan_a1.summary = unicodedata.normalize("NFD", "Tuyên truyền đến người lao động ở cơ sở.")
    plan_a1.save()
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_pdf", args=[plan_a1.pk]))
    text, _fonts = pdf_text(response.content, tmp_path)
    assert "Tuyên truyền đến người lao động ở cơ sở." in text
    assert not any(unicodedata.combining(character) for character in text)


def test_a_planned_date_prints_whole_in_its_column(
    client, cast, plan_factory, tree, campaign, tmp_path
):
    # Every cell of the PDF's tables may break anywhere, so that a long word stays inside
    # the margins: the narrow "Thời gian" column printed "15/01/202" over "7".
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=1)
    plan.activities.update(
        audience="Đoàn viên, CNVCLĐ cơ quan", planned_on=datetime.date(2027, 1, 15)
    )
    client.force_login(cast["officer_a1"])
    response = client.get(reverse("campaign:plan_pdf", args=[plan.pk]))
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    lines = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    assert any("15/01/2027" in line for line in lines)


def test_the_printed_plan_says_what_its_content_numbers_stand_for(
    client, cast, plan_factory, tree, campaign, tmp_path
):
    # The activities' column of content printed "19.1, 20" and nothing said what they were:
    # the web page has a key under its table, the paper copy had none.
    plan = plan_factory(tree["A1"], campaign, cast["officer_a1"], activities=2)
    twenty = Theme.objects.create(campaign=campaign, number="20", title="Tuyên truyền kỷ cương")
    nineteen = Theme.objects.create(campaign=campaign, number="19.1", title="Cải cách thủ tục")
    Theme.objects.create(campaign=campaign, number="21", title="Mục không có hoạt động nào")
    first, second = plan.activities.all()
    first.themes.set([twenty, nineteen])
    second.themes.set([nineteen])
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan.pk])).content.decode()
    text, _fonts = pdf_text(
        client.get(reverse("campaign:plan_pdf", args=[plan.pk])).content, tmp_path
    )
    key = "Nội dung ứng với các số ở cột “Nội dung tuyên truyền”:"
    key += " 19.1. Cải cách thủ tục 20. Tuyên truyền kỷ cương"
    assert key in text
    assert "Cải cách thủ tục" in html and "Mục không có hoạt động nào" not in html + text


def test_a_report_of_a_campaign_without_figures_says_so_instead_of_an_empty_table(
    client, cast, tree, other_campaign, report_factory
):
    # The second campaign asks for no figures: its printed report had a table of headers
    # with no row under "I. Số liệu".
    assert not other_campaign.indicators.exists()
    report = report_factory(tree["A1"], other_campaign, 2016, Status.SUBMITTED)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    document = html[html.index("<h2>I. Số liệu</h2>") : html.index("<h2>II.")]
    assert "Kế hoạch phát động không yêu cầu đơn vị báo cáo số liệu." in document
    assert "<table" not in document
