"""A grassroots union's name in a document's header: "Công đoàn cơ sở" (grassroots union)
is one term, as is "Trung học cơ sở" (lower secondary school). The header broke before
every "CƠ SỞ", printing "CÔNG ĐOÀN / CƠ SỞ TRƯỜNG TRUNG HỌC / CƠ SỞ VĨNH PHÚ"."""

import datetime

import pytest

from reports import pdf
from tests.reports.summaries import campaign_with_reports, issue, make_summary, pdftotext
from units.letterhead import header_groups
from units.models import Unit, UnitState

SCHOOL = "Công đoàn cơ sở Trường Trung học cơ sở Vĩnh Phú"


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        (SCHOOL, ["CÔNG ĐOÀN CƠ SỞ", "TRƯỜNG TRUNG HỌC CƠ SỞ VĨNH PHÚ"]),
        (
            "Công đoàn cơ sở Ủy ban nhân dân xã Tân Thạch",
            ["CÔNG ĐOÀN CƠ SỞ", "ỦY BAN NHÂN DÂN", "XÃ TÂN THẠCH"],
        ),
        ("Liên đoàn Lao động huyện Châu Thành", ["LIÊN ĐOÀN LAO ĐỘNG", "HUYỆN CHÂU THÀNH"]),
    ],
)
def test_a_grassroots_union_keeps_its_terms_whole(name, groups):
    assert [group["text"] for group in header_groups(name)] == groups


def test_the_summarys_header_prints_the_grassroots_union_as_one_term(tree, cast, tmp_path):
    Unit.objects.filter(pk=tree["A1"].pk).update(name=SCHOOL)
    UnitState.objects.filter(unit=tree["A1"]).update(name=SCHOOL)
    summary = make_summary(
        Unit.objects.get(pk=tree["A1"].pk),
        campaign_with_reports(tree),
        cast["cspl"],
        issuing_body=SCHOOL,
        parent_body="LĐLĐ huyện A",
        dated_on=datetime.date(2025, 1, 5),
    )
    text = pdftotext(pdf.render_summary_pdf(issue(summary, cast["cspl"])), tmp_path, "-l", "1")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "CÔNG ĐOÀN CƠ SỞ" in " ".join(lines[:8]), lines[:8]
    assert "CÔNG ĐOÀN" not in lines and not any(line.startswith("CƠ SỞ") for line in lines)
