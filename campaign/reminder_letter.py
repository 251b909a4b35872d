"""The printable reminder letter (công văn đôn đốc) to the units that have not submitted.

A draft for the office to print, number, sign and send: its number is left blank
("Số:      /CV-LĐLĐ") for the office's register, and its signer's name for the person who
signs. It is laid out as Decree 30/2020/NĐ-CP (Appendix I) asks: the issuing body under its
parent body at the top left, the national name and motto at the top right, the number and
"V/v đôn đốc …" below them, the place and date, "Kính gửi" the late units, a body listing
each one with what is missing and its due date, the signing block and "Nơi nhận".

The text is Vietnamese document text whatever the interface language, as the national name
is (units.letterhead).
"""

import datetime
import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from campaign.models import AnnualReport, Campaign, Plan, Reminder, Status
from config import pdf_sandbox
from units.access import REVIEW, Scope
from units.letterhead import MOTTO, NATIONAL_NAME, header_groups, letterhead
from units.models import Unit

What = Reminder.What
TEMPLATE = "pdf/reminder_letter.html"
STYLESHEETS = [pdf_sandbox.STATIC_BASE + "css/pdf.css", pdf_sandbox.STATIC_BASE + "css/letter.css"]
# A unit has this many working days from receiving the letter; the usual wording.
DAYS_TO_ACT = 7


def issuing_unit(scope: Scope) -> Unit:
    """The unit whose letter it is: the outermost unit open today where the user reviews
    (the province for the CSPL board), else the outermost where they did. No query; the
    user is a reviewer."""
    units = [m.unit for m in scope.memberships if m.role in REVIEW]
    open_units = [unit for unit in units if unit.is_open_on(scope.today)]
    return min(open_units or units, key=lambda unit: (unit.depth, unit.path))


def missing(document, what: str, year: int) -> str:
    """What the unit still owes, in the letter's words."""
    if what == What.PLAN:
        name = "Kế hoạch thực hiện"
        none = "Chưa gửi kế hoạch thực hiện"
    else:
        name = f"Báo cáo kết quả năm {year}"
        none = f"Chưa gửi báo cáo kết quả năm {year}"
    if document is None:
        return none
    if document.status == Status.RETURNED:
        if document.was_reopened:
            return f"{name} đã được mở lại để bổ sung, chưa gửi lại"
        return f"{name} đã bị trả lại, chưa gửi lại"
    return f"{name} đang soạn, chưa gửi"


ADDRESSED_BY_NAME = 5  # late units named after "Kính gửi"; more are "có tên … dưới đây"


def rows(units: list[Unit], campaign: Campaign, what: str, year: int, due_on, today) -> list:
    """One row per unit: its name, what is missing, the due date and the days past it. One
    query for the units' documents."""
    if what == What.PLAN:
        documents = Plan.objects.filter(campaign=campaign, unit__in=units)
    else:
        documents = AnnualReport.objects.filter(campaign=campaign, year=year, unit__in=units)
    by_unit = {document.unit_id: document for document in documents}
    late = max((today - due_on).days, 0)
    return [
        {
            "name": unit.name,
            "missing": missing(by_unit.get(unit.pk), what, year),
            "due_on": due_on.strftime("%d/%m/%Y"),
            "days_late": late,
        }
        for unit in units
    ]


def context(
    issuer: Unit,
    units: list[Unit],
    campaign: Campaign,
    what: str,
    year: int,
    due_on: datetime.date,
    today: datetime.date,
) -> dict:
    """What the letter prints. Three or four queries (the letterhead, the documents)."""
    head = letterhead(issuer, today)
    letter_rows = rows(units, campaign, what, year, due_on, today)
    is_plan = what == What.PLAN
    title = campaign.title[:1].lower() + campaign.title[1:]
    # A number still to be filled in ("…/KH-LĐLĐ") is not printed: the plan by its date.
    number = [f"số {campaign.number}"] if campaign.number_known else []
    cited = [*number, f"ngày {campaign.issued_on:%d/%m/%Y}"]
    plan = " ".join(["Kế hoạch", *cited])
    # The subject names the campaign by its plan, as the summary's subject does ("Kết quả
    # năm … thực hiện Kế hoạch số …"): a province running two campaigns sends a letter for
    # each, and neither is "tuyên truyền CCHC" unless its own plan says so.
    owed = "kế hoạch thực hiện" if is_plan else f"báo cáo kết quả năm {year} thực hiện"
    subject_groups = [
        {"text": f"V/v đôn đốc gửi {owed} Kế hoạch", "whole": False},
        # The plan's number and its date each on one line: "99/KH-" over "LĐLĐ" misquotes it.
        *({"text": text, "whole": True} for text in cited),
    ]
    basis = f"Thực hiện {plan} của {campaign.issuer_named_then(short=False)} về {title}"
    document = "kế hoạch thực hiện" if is_plan else f"báo cáo kết quả năm {year}"
    board = "Lưu: VT, Ban CSPL." if head.kind == Unit.Kind.PROVINCE else "Lưu: VT."
    return {
        "stylesheets": STYLESHEETS,
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "head": head,
        # In capitals, as groups of words a line may not split ("TỈNH VĨNH LONG").
        "parent_body": header_groups(head.parent_body),
        "issuing_body": header_groups(head.issuing_body),
        "number": f"Số:        /CV-{head.code}" if head.code else "Số:        /CV",
        "subject": " ".join(group["text"] for group in subject_groups),
        "subject_groups": subject_groups,
        "date_line": head.date_line(today),
        "basis": basis,
        "document": document,
        "due_on": due_on.strftime("%d/%m/%Y"),
        "today": today.strftime("%d/%m/%Y"),
        "rows": letter_rows,
        # A few units are named after "Kính gửi"; more are addressed as the units the
        # letter's table names, as offices write it: a list of forty would fill a page
        # before the letter begins.
        "addressed_by_name": len(letter_rows) <= ADDRESSED_BY_NAME,
        "days_to_act": f"{DAYS_TO_ACT:02d}",
        # Before the due date the letter holds the unit to that date, not to a number of
        # working days that could fall earlier or later.
        "overdue": today > due_on,
        "signer_block": "TM. BAN THƯỜNG VỤ",
        "signer_title": "PHÓ CHỦ TỊCH",
        "recipients": [
            "Các đơn vị có tên trên;",
            f"Thường trực {head.short_name} (để b/c);",
            board,
        ],
    }


def render_html(**kwargs) -> str:
    """The letter's HTML (autoescaped, NFC: WeasyPrint shapes composed letters best), its
    numbers grouped as Vietnamese writes them ("1.402") whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, context(**kwargs))
    return unicodedata.normalize("NFC", html)
