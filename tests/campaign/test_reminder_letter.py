"""The printable reminder letter (công văn đôn đốc): a PDF in the Decree 30 layout, listing
the late units the reviewer reviews, what each still owes and by when, read back with
pdftotext."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from campaign import reminder_letter
from campaign.models import Plan, Status
from tests.factories import CampaignFactory, UnitFactory
from units.models import Unit, UnitState

PLAN_DUE = datetime.date(2015, 7, 31)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


@pytest.fixture
def campaign(tree):
    return CampaignFactory(
        issuer=tree["PV"],
        slug="letter-campaign",
        title="Tổ chức tuyên truyền cải cách hành chính",
        plan_due_on=PLAN_DUE,
    )


def letter(client, campaign, units=(), what="plan", year=2015, method="post"):
    data = {"campaign": campaign.pk, "what": what, "year": year}
    data["units"] = [unit.pk for unit in units]
    send = client.post if method == "post" else client.get
    return send(reverse("campaign:reminder_letter"), data)


def text_of(response, tmp_path):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.content)
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def test_the_letter_of_the_district_lists_its_late_units_in_the_decree_30_layout(
    client, tree, cast, campaign, tmp_path
):
    Plan.objects.create(
        unit=tree["A2"],
        campaign=campaign,
        doc_number="3/KH",
        doc_date=PLAN_DUE,
        signer="Chủ tịch",
        summary="Dự thảo",
        status=Status.RETURNED,
    )
    client.force_login(cast["reviewer_a"])
    text = text_of(letter(client, campaign), tmp_path)
    # The header: the issuing body under its parent, the national name and motto.
    assert "LĐLĐ TỈNH THỬ NGHIỆM" in text and "LĐLĐ HUYỆN A" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    # The number left for the office; the subject; place and date.
    assert "Số: /CV-LĐLĐ" in text
    assert "V/v đôn đốc gửi kế hoạch thực hiện Kế hoạch số 99/KH-LĐLĐ ngày 10/06/2015" in text
    assert "A, ngày" in text  # the place is the district's ("LĐLĐ huyện A")
    # Addressed to the late units below district A, and only those.
    assert "Kính gửi:" in text and "- CĐCS A1;" in text and "- CĐCS A2." in text
    assert "CĐCS B1" not in text and "CĐCS S1" not in text
    # The body: the campaign, the due date, what each unit still owes.
    assert "Kế hoạch số 99/KH-LĐLĐ ngày 10/06/2015" in text
    assert "tổ chức tuyên truyền cải cách hành chính" in text
    assert "Chưa gửi kế hoạch thực hiện" in text  # A1 has none
    assert "Kế hoạch thực hiện đã bị trả lại, chưa gửi lại" in text  # A2's was returned
    assert "31/07/2015" in text
    # The signing block and the recipients.
    assert "TM. BAN THƯỜNG VỤ" in text and "PHÓ CHỦ TỊCH" in text
    assert "Nơi nhận:" in text and "Các đơn vị có tên trên;" in text and "Lưu: VT." in text


def test_the_province_letter_for_selected_units_of_a_years_report(
    client, tree, cast, campaign, tmp_path
):
    client.force_login(cast["cspl"])
    text = text_of(letter(client, campaign, [tree["B1"], tree["SE"]], what="report"), tmp_path)
    assert "TỔNG LĐLĐ VIỆT NAM" in text  # above a provincial federation
    assert "V/v đôn đốc gửi báo cáo kết quả năm 2015 thực hiện Kế hoạch số 99/KH-LĐLĐ" in text
    assert "Chưa gửi báo cáo kết quả năm 2015" in text
    assert "20/12/2015" in text
    assert "CĐCS B1" in text and "CĐ ngành S" in text and "CĐCS A1" not in text
    assert "Lưu: VT, Ban CSPL." in text


@pytest.mark.parametrize("what", ["plan", "report"])
def test_a_second_campaigns_letter_names_its_own_plan(
    client, tree, cast, campaign, other_campaign, what, tmp_path
):
    # A province running a second campaign (not on administrative reform) sends a letter
    # for each: its subject said "tuyên truyền CCHC" whatever the campaign.
    client.force_login(cast["cspl"])
    html = reminder_letter.render_html(
        issuer=tree["PV"],
        units=[tree["B1"]],
        campaign=other_campaign,
        what=what,
        year=2016,
        due_on=other_campaign.plan_due_on,
        today=datetime.date(2016, 12, 1),
    )
    line = re.search(r'<p class="subject-line">(.*?)</p>', html, re.S).group(1)
    subject = re.sub(r"<[^>]+>", "", line)
    owed = "kế hoạch thực hiện" if what == "plan" else "báo cáo kết quả năm 2016 thực hiện"
    assert subject == f"V/v đôn đốc gửi {owed} Kế hoạch số 7/KH-LĐLĐ ngày 01/03/2016"
    assert "CCHC" not in subject
    text = text_of(letter(client, other_campaign, [tree["B1"]], what=what, year=2016), tmp_path)
    assert "Kế hoạch số 7/KH-LĐLĐ ngày 01/03/2016" in text and "chiến dịch thứ hai" in text
    assert "99/KH-LĐLĐ" not in text and campaign.title.lower() not in text


@pytest.mark.parametrize(("what", "owed"), [("plan", "ke-hoach"), ("report", "bao-cao")])
def test_the_letter_is_named_in_vietnamese(client, tree, cast, campaign, what, owed, today):
    client.force_login(cast["cspl"])
    response = letter(client, campaign, [tree["B1"]], what=what)
    name = f"cong-van-don-doc-{owed}-2015-{today:%Y%m%d}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_unit_outside_the_reviewers_list_is_refused_and_nothing_is_rendered(
    client, tree, cast, campaign
):
    Plan.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        doc_number="1/KH",
        doc_date=PLAN_DUE,
        signer="Chủ tịch",
        summary="Đã gửi",
        status=Status.SUBMITTED,
    )
    client.force_login(cast["reviewer_a"])
    for units in ([tree["B1"]], [tree["A1"]], [tree["A2"], tree["B1"]]):
        response = letter(client, campaign, units)
        assert response.status_code == 302 and response["Content-Type"].startswith("text/html")
    assert letter(client, campaign, [tree["A2"]], method="get").status_code == 200


@pytest.mark.parametrize("who", ["officer_a1", "standing", "outsider"])
def test_only_reviewers_print_the_letter(client, tree, cast, campaign, who):
    client.force_login(cast[who])
    assert letter(client, campaign).status_code == 403


def test_the_list_page_offers_the_letter_and_says_it_is_a_draft(client, tree, cast, campaign):
    client.force_login(cast["reviewer_a"])
    page = client.get(
        reverse("campaign:late_units") + f"?campaign={campaign.pk}&what=plan&year=2015"
    ).content.decode()
    assert f'formaction="{reverse("campaign:reminder_letter")}"' in page
    assert "số văn bản để trống" in page


def test_a_long_list_of_late_units_renders_at_the_short_lists_cost(
    client, tree, cast, campaign, tmp_path
):
    client.force_login(cast["cspl"])
    with CaptureQueriesContext(connection) as short:
        assert text_of(letter(client, campaign), tmp_path).count("Chưa gửi kế hoạch") == 7
    for _ in range(40):
        UnitFactory.create(parent=tree["DB"])
    with CaptureQueriesContext(connection) as long:
        text = text_of(letter(client, campaign), tmp_path)
    assert len(long) == len(short), "the letter reads something unit by unit"
    assert text.count("Chưa gửi kế hoạch thực hiện") == 47  # 40 new, 7 of the tree
    # Addressed as the units the table names, each named once: in the table.
    assert "Kính gửi: Các đơn vị có tên trong danh sách dưới đây." in text
    assert text.count("CĐCS A1") == 1


def test_before_the_due_date_the_letter_holds_units_to_that_date(
    client, tree, cast, campaign, tmp_path, freeze
):
    # "Within 7 working days of receiving this letter" could fall before the due date it
    # names two lines above: before the date, the letter asks for it on time.
    # 09:00 in Viet Nam.
    moment = freeze(datetime.datetime(2015, 12, 10, 2, 0, tzinfo=datetime.UTC))
    client.force_login(cast["cspl"])
    text = text_of(letter(client, campaign, [tree["B1"]], what="report"), tmp_path)
    assert "đúng hạn, chậm nhất ngày 20/12/2015" in text and "ngày làm việc" not in text
    freeze(moment + datetime.timedelta(days=20))
    client.force_login(cast["cspl"])
    late = text_of(letter(client, campaign, [tree["B1"]], what="report"), tmp_path)
    assert "chậm nhất trong 07 ngày làm việc kể từ ngày nhận được công văn này" in late


def test_the_days_past_the_due_date_are_grouped_whatever_the_readers_language(
    client, tree, cast, campaign, tmp_path, freeze
):
    # 09:00 in Viet Nam.
    moment = freeze(datetime.datetime(2019, 6, 2, 2, 0, tzinfo=datetime.UTC))
    assert (moment.date() - PLAN_DUE).days == 1402
    client.force_login(cast["cspl"])
    text = text_of(letter(client, campaign, [tree["B1"]]), tmp_path)
    assert "31/07/2015 1.402" in text and "1402" not in text
    # A document in Vietnamese: grouped as Vietnamese writes it, for a reader in English too.
    with translation.override("en"):
        html = reminder_letter.render_html(
            issuer=tree["PV"],
            units=[tree["B1"]],
            campaign=campaign,
            what="plan",
            year=2015,
            due_on=PLAN_DUE,
            today=moment.date(),
        )
    assert ">1.402<" in html


def test_the_signature_never_stands_alone_on_the_letters_last_page(
    client, tree, cast, campaign, tmp_path
):
    # With 8 to 11 units (or 27 to 30) the table and the request filled the page and the
    # signing block went over alone, with nothing of the letter above it.
    client.force_login(cast["cspl"])
    for count in (*range(4, 8), *range(8, 12), *range(27, 31)):
        while len(units := list(Unit.objects.exclude(pk=tree["PV"].pk))) < count:
            UnitFactory.create(parent=tree["DB"])
        response = letter(client, campaign, units)
        pdf = tmp_path / "letter.pdf"
        pdf.write_bytes(response.content)
        pages = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")[:-1]
        signed = " ".join(pages[-1].split())
        assert "TM. BAN THƯỜNG VỤ" in signed
        assert "Đề nghị các đơn vị quan tâm thực hiện./." in signed, count


def test_the_header_keeps_a_place_name_on_one_line(client, tree, cast, campaign, tmp_path):
    # "LIÊN ĐOÀN LAO ĐỘNG TỈNH / THỬ NGHIỆM" split the province's name over two lines.
    Unit.objects.filter(pk=tree["PV"].pk).update(name="Liên đoàn Lao động tỉnh Thử nghiệm")
    UnitState.objects.filter(unit=tree["PV"]).update(name="Liên đoàn Lao động tỉnh Thử nghiệm")
    client.force_login(cast["cspl"])
    response = letter(client, campaign, [tree["DA"]])
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.content)
    lines = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "LIÊN ĐOÀN LAO ĐỘNG" in lines
    assert "TỈNH THỬ NGHIỆM" in lines


def test_a_long_unit_name_breaks_inside_the_margins(client, tree, cast, campaign, tmp_path):
    # A name without a space (a pasted code): the table's column grew as wide as the word,
    # and the table ran past the right margin and off the page.
    name = "CĐCS " + ("KCN" + "0123456789" * 12)[:120]
    Unit.objects.filter(pk=tree["A1"].pk).update(name=name)
    UnitState.objects.filter(unit=tree["A1"]).update(name=name)
    client.force_login(cast["reviewer_a"])
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter(client, campaign).content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "0123456789" in boxes
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))
    assert right <= (210 - 15) / 25.4 * 72 + 1  # inside the 15 mm margin
