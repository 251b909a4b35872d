"""A row of the annual reports' template is saved as a draft, as the web form's "Save draft"
saves it: figures without the results or the self-assessment are accepted, both being
asked for only when the report is submitted."""

import pytest

from campaign.models import AnnualReport, Status
from tests.campaign.workbooks.helpers import (
    columns,
    confirm,
    download_reports,
    fill,
    pending,
    upload_reports,
)


@pytest.mark.usefixtures("a1_without_officer")
def test_a_row_with_figures_only_is_saved_as_a_draft(client, tree, cast, campaign, year):
    client.force_login(cast["officer_a"])
    content = download_reports(client, campaign, tree["DA"], year)
    filled = fill(
        content,
        {"A1": {"value_sessions": 4}, "A2": {"obstacles": "Thiếu tài liệu."}},
        columns(campaign, year),
    )
    preview = pending(upload_reports(client, campaign, tree["DA"], year, filled))
    assert preview.preview["errors"] == []
    assert confirm(client, preview).status_code == 302
    saved = {r.unit.code: r for r in AnnualReport.objects.select_related("unit")}
    assert set(saved) == {"A1", "A2"}
    assert {r.status for r in saved.values()} == {Status.DRAFT}
    assert (saved["A1"].results, saved["A1"].self_assessment) == ("", "")
    assert saved["A1"].values.get(indicator__code="sessions").int_value == 4
    assert saved["A2"].obstacles == "Thiếu tài liệu."
