"""The appendix's list of units runs over pages: every page it runs onto starts with the page
number and the columns' line, as a table's repeated head would."""

import re
import subprocess

from campaign.models import Indicator
from reports import pdf
from tests.reports.summaries import (
    campaign_with_reports,
    file_report,
    issue,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Unit

MANY = 180  # grassroots unions under district A: three pages of unit lines and more


def page_count(content, tmp_path):
    path = tmp_path / "count.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def test_every_page_of_unit_lines_repeats_the_number_and_the_columns(tree, cast, tmp_path):
    campaign = campaign_with_reports(tree)
    # Units that reported have a line each (those that did not are a list of names).
    for n in range(MANY):
        unit = Unit.objects.add_child(
            Unit.objects.get(pk=tree["DA"].pk),
            {"code": f"G{n:03d}", "name": f"CĐCS Đơn vị {n:03d}", "kind": Unit.Kind.GRASSROOTS},
        )
        file_report(unit, campaign, sessions=n, participants=10 * n)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary)
    pages = page_count(content, tmp_path)
    columns = vi("Unit")
    heads = []
    for page in range(1, pages + 1):
        lines = [
            line.split()
            for line in pdftotext(content, tmp_path, "-layout", "-f", str(page), "-l", str(page))
            .strip()
            .splitlines()
            if line.strip()
        ]
        heads.append((page, lines[0], lines[1] if len(lines) > 1 else []))
    # The first page has no number; every other page starts with its own.
    assert heads[0][1] != ["1"]
    assert all(first == [str(page)] for page, first, _ in heads[1:]), heads
    # The unit lines close the document: from the page after the one they begin on to the
    # last, every page repeats the columns' line under its number.
    starts = [page for page, _, second in heads if second[:2] == columns.split()[:2]]
    assert len(starts) >= 2, heads
    assert starts == list(range(starts[0], pages + 1)), heads
    begins = pdftotext(content, tmp_path, "-f", str(starts[0] - 1), "-l", str(starts[0] - 1))
    assert tree["DA"].name in begins  # the first group of lines, under its columns' line


def test_the_columns_keep_the_numbers_of_the_body_and_the_dashboard(tree, cast):
    # The computed indicator comes first and has no column (nobody types it): the typed ones
    # keep (2) and (3), as in the body's tables, the dashboard and Excel, not (1) and (2).
    campaign = campaign_with_reports(tree)
    Indicator.objects.create(
        campaign=campaign,
        code="a_plans",
        name="Số CĐCS đã ban hành kế hoạch",
        source=Indicator.Source.PLANS,
        counted_kind=Unit.Kind.GRASSROOTS,
    )
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    appendix = pdf.document_context(summary)["appendix"]
    assert appendix["legend"].startswith("(2) Số buổi tuyên truyền (buổi); (3) Số lượt người")
    columns = appendix["header"].split("\t")[1]
    assert re.findall(r"\d+", columns) == ["2", "3"]
