"""A summary of a unit with no units below it (a grassroots union): the appendix lists that
unit under its own report, not among "the units directly below" it, which it has none of."""

from reports import pdf
from tests.reports.summaries import campaign_with_reports, issue, make_summary, vi


def test_a_summary_of_a_unit_without_units_below_lists_it_under_its_own_report(tree, cast):
    campaign = campaign_with_reports(tree)  # A1, a grassroots union, has its report accepted
    summary = issue(make_summary(tree["A1"], campaign, cast["cspl"]), cast["cspl"])
    groups = pdf.document_context(summary)["appendix"]["groups"]
    assert len(groups) == 1
    heading = groups[0]["heading"]
    assert heading == f"{tree['A1'].name} {vi('(own report)')}"
    assert vi("Units directly below") not in heading
    assert tree["A1"].name in groups[0]["chunks"][0]


def test_a_summary_of_a_unit_without_units_below_lists_it_unreported_under_its_own(tree, cast):
    campaign = campaign_with_reports(tree)  # A2 has no report
    summary = issue(make_summary(tree["A2"], campaign, cast["cspl"]), cast["cspl"])
    [group] = pdf.document_context(summary)["appendix"]["groups"]
    assert group["heading"] == f"{tree['A2'].name} {vi('(own report)')}"
    assert [listing["names"] for listing in group["lists"]] == [f"{tree['A2'].name}."]
