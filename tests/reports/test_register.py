"""The document number comes from a register per issuing unit and year: no gap, no
duplicate, even when two reviewers issue at once."""

import datetime
import threading

import pytest
from django.db import connection

from reports import issuing, parties
from reports.models import DocumentRegister, SummaryReport
from tests.reports.summaries import campaign_with_reports, make_summary

D = datetime.date


def issued_number(summary, user):
    return issuing.summary_issue(summary=summary, user=user).number


def test_numbers_run_per_unit_and_year_of_the_documents_date(tree, cast):
    campaign = campaign_with_reports(tree)
    author = cast["cspl"]

    def draft(unit, day):
        return make_summary(unit, campaign, author, number="", dated_on=day)

    assert issued_number(draft(tree["PV"], D(2025, 1, 5)), author) == "1/BC-LĐLĐ"
    assert issued_number(draft(tree["PV"], D(2025, 2, 5)), author) == "2/BC-LĐLĐ"
    assert issued_number(draft(tree["DA"], D(2025, 2, 5)), author) == "1/BC-LĐLĐ"
    assert issued_number(draft(tree["PV"], D(2026, 1, 5)), author) == "1/BC-LĐLĐ"
    registers = DocumentRegister.objects.order_by("unit__path", "year")
    assert [(r.unit.code, r.year, r.last_number) for r in registers] == [
        ("PV", 2025, 2),
        ("PV", 2026, 1),
        ("DA", 2025, 1),
    ]


def test_an_issue_that_fails_gives_its_number_back(tree, cast, monkeypatch):
    campaign = campaign_with_reports(tree)
    summary = make_summary(tree["PV"], campaign, cast["cspl"], number="")

    def broken(summary):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(parties, "remember", broken)
    with pytest.raises(RuntimeError):
        issuing.summary_issue(summary=summary, user=cast["cspl"])
    monkeypatch.undo()
    assert issued_number(summary, cast["cspl"]) == "1/BC-LĐLĐ"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_issuing_at_once_get_two_numbers_in_turn(
    require_postgres, tree, cast, monkeypatch
):
    campaign = campaign_with_reports(tree)
    first = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    second = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    first_holds = threading.Event()
    original = parties.remember

    def slow_remember(summary):
        # The first issue holds the register's row (its number taken) a moment.
        if summary.pk == first.pk:
            first_holds.set()
            threading.Event().wait(0.5)
        return original(summary)

    monkeypatch.setattr(parties, "remember", slow_remember)
    results = {}

    def issue(name, summary):
        try:
            results[name] = issued_number(summary, cast["cspl"])
        finally:
            connection.close()

    one = threading.Thread(target=issue, args=("first", first))
    one.start()
    assert first_holds.wait(10)
    two = threading.Thread(target=issue, args=("second", second))
    two.start()
    one.join(20)
    two.join(20)
    assert results == {"first": "1/BC-LĐLĐ", "second": "2/BC-LĐLĐ"}
    assert DocumentRegister.objects.get(unit=tree["PV"], year=2025).last_number == 2
    numbers = SummaryReport.objects.values_list("serial", flat=True).order_by("serial")
    assert list(numbers) == [1, 2]
