"""Every dashboard page says which tree its figures are counted on (DESIGN.md, "The tree
over time"), and what that tree makes of the unit shown:

- a year on its own tree said so only when the unit asked for did not exist then (2025's
  and 2026's pages said it only in the "Tính trên" select);
- a merged unit's own page on today's tree showed its figures as if nothing had happened,
  though there its reports count under its successor (the end of the chain of mergers):
  it now names that unit and links to its page, with the same campaign, year and tree; a
  unit closed without a successor says it ended on its date;
- a successor's own row, for a year before it was set up, read "not set up yet" beside the
  counts of its predecessors' reports: it now names them (the figures are unchanged).
"""

import datetime
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import AnnualReport, Status
from reports.rollup import rollup
from tests.reports.summaries import YEAR
from tests.reports.test_dashboard_cache import PAGE_QUERIES, count_queries
from units import dataversion
from units.models import Unit
from units.reorganisations import reorganisation_apply

# After 2024's cut-off (14/12/2024), before today (world_clock: 10/01/2025).
MERGED_ON = datetime.date(2025, 1, 5)
MERGED_ON_AGAIN = datetime.date(2025, 1, 8)
URL = reverse("reports:dashboard")


pytestmark = pytest.mark.usefixtures("world_day")


@pytest.fixture
def commune(merged_commune):
    """District A merged into a commune union on MERGED_ON (conftest)."""
    return merged_commune


@pytest.fixture
def chain(commune, reorganise, admin_user):
    """The commune union merged on into district B, and grassroots S1 closed."""
    act = reorganise(
        MERGED_ON_AGAIN,
        {"action": "move", "unit_code": "A1", "target_code": "DB"},
        {"action": "move", "unit_code": "A2", "target_code": "DB"},
        {"action": "merge", "unit_code": "XA", "target_code": "DB"},
        {"action": "close", "unit_code": "S1"},
        number="57/QĐ-LĐLĐ",
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    return commune


def page(client, cast, unit, **params):
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.get(URL, {"unit": unit.pk, "year": YEAR, **params})
    assert response.status_code == 200
    return response.content.decode()


def text(page_html):
    page_html = re.sub(r"<(svg|style|script)\b.*?</\1>", " ", page_html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


def link_to(page_html, words):
    """The query of the link whose text is `words`."""
    for href, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', page_html):
        if htmllib.unescape(label) == words:
            return parse_qs(urlsplit(htmllib.unescape(href)).query)
    raise AssertionError(f"no link {words!r}")


# --- which tree ------------------------------------------------------------------------------
def test_every_page_says_which_tree_its_figures_are_counted_on(client, cast, tree, campaign):
    then = text(page(client, cast, tree["PV"], tree="then"))
    assert (
        "Các báo cáo năm 2024 được tính theo cây tổ chức tại thời điểm chốt số liệu của năm đó "
        "(14/12/2024)" in then
    )
    today = text(page(client, cast, tree["PV"], tree="today"))
    assert "Các báo cáo năm 2024 được nhóm lại theo cây tổ chức hiện nay" in today
    assert "thời điểm chốt số liệu của năm đó" not in today


def test_a_unit_that_did_not_exist_then_keeps_its_note_after_the_tree_sentence(
    client, cast, tree, chain
):
    words = text(page(client, cast, tree["DB"], tree="then"))
    assert "được tính theo cây tổ chức tại thời điểm chốt số liệu của năm đó" in words
    words = text(page(client, cast, chain, tree="then"))
    assert "(14/12/2024)" in words and "chưa được thành lập" in words


# --- a closed unit on today's tree ----------------------------------------------------------
def test_a_merged_unit_s_page_on_today_s_tree_names_its_successor_and_links_there(
    client, cast, tree, commune, campaign
):
    page_html = page(client, cast, tree["DA"], tree="today", include="submitted")
    words = text(page_html)
    assert (
        "LĐLĐ huyện A đã sáp nhập vào Công đoàn xã An từ ngày 05/01/2025: theo cây tổ chức "
        "hiện nay, báo cáo của đơn vị được tính cho Công đoàn xã An." in words
    )
    query = link_to(page_html, "Xem số liệu của Công đoàn xã An")
    assert query == {
        "campaign": [str(campaign.pk)],
        "year": [str(YEAR)],
        "include": ["submitted"],
        "tree": ["today"],
        "unit": [str(commune.pk)],
    }
    # On the year's tree its figures are its own: nothing to say.
    assert "đã sáp nhập vào" not in text(page(client, cast, tree["DA"], tree="then"))


def test_along_a_chain_of_mergers_the_page_names_the_unit_carrying_the_work_on(
    client, cast, tree, chain
):
    page_html = page(client, cast, tree["DA"], tree="today")
    words = text(page_html)
    assert (
        "LĐLĐ huyện A đã sáp nhập vào Công đoàn xã An từ ngày 05/01/2025; Công đoàn xã An sau "
        "đó đã sáp nhập vào LĐLĐ huyện B: theo cây tổ chức hiện nay, báo cáo của đơn vị được "
        "tính cho LĐLĐ huyện B." in words
    )
    assert link_to(page_html, "Xem số liệu của LĐLĐ huyện B")["unit"] == [str(tree["DB"].pk)]


def test_a_unit_closed_without_a_successor_says_it_ended_on_its_date(client, cast, tree, chain):
    words = text(page(client, cast, tree["S1"], tree="today"))
    assert "CĐCS S1 đã kết thúc hoạt động từ ngày 08/01/2025, không có đơn vị kế thừa" in words
    assert "Xem số liệu của" not in words


def test_the_successor_is_not_linked_for_a_user_who_may_not_open_it(client, cast, tree, commune):
    """An officer of district A may open its page, not the commune union's."""
    client.force_login(cast["officer_a"])
    with translation.override("vi"):
        response = client.get(URL, {"unit": tree["DA"].pk, "year": YEAR, "tree": "today"})
    words = text(response.content.decode())
    assert "được tính cho Công đoàn xã An" in words
    assert "Xem số liệu của" not in words


# --- a successor's own row before it existed ------------------------------------------------
def test_a_successor_s_own_row_before_it_existed_names_the_units_merged_into_it(
    client, cast, tree, commune, campaign
):
    words = text(page(client, cast, commune, tree="today"))
    assert (
        "bản thân đơn vị chưa thành lập; gồm báo cáo của các đơn vị đã sáp nhập vào: "
        "LĐLĐ huyện A" in words
    )
    # The figures are those of its predecessors' reports, recounted here.
    own = next(
        row for row in rollup(campaign, YEAR, commune, "accepted", "today").by_child if row.is_scope
    )
    merged = Unit.objects.filter(successor=commune)
    reports = AnnualReport.objects.filter(campaign=campaign, year=YEAR, unit__in=merged)
    on_time = reports.filter(first_submitted_at__date__lte=datetime.date(YEAR, 12, 20))
    assert (
        (own.expected, own.on_time, own.reports)
        == (
            merged.count(),
            on_time.count(),
            reports.filter(status=Status.ACCEPTED).count(),
        )
        == (1, 1, 1)
    )
    # The same row on the year's tree: no such line (the commune did not exist).
    assert "gồm báo cáo của các đơn vị" not in text(page(client, cast, commune, tree="then"))


# --- what it costs ---------------------------------------------------------------------------
def test_the_notes_cost_one_query_whatever_the_number_of_merged_units(
    client, cast, tree, commune, campaign
):
    client.force_login(cast["cspl"])
    counts = []
    for grow in (False, True):
        if grow:
            for n in range(6):
                unit = Unit.objects.add_child(
                    tree["PV"],
                    {"code": f"M{n}", "name": f"CĐ M{n}", "kind": Unit.Kind.SECTOR},
                )
                Unit.objects.filter(pk=unit.pk).update(
                    closed_on=MERGED_ON, successor=commune if n % 2 else tree["DA"]
                )
        for unit in (tree["DA"], commune):
            params = {"unit": unit.pk, "year": YEAR, "tree": "today"}
            client.get(URL, params)  # the session is in the cache from now on
            dataversion.bump_data_version()
            counts.append(count_queries(client, URL, params))
    assert counts[:2] == counts[2:]
    # The page's own queries, plus one for the note (a closed unit; a unit set up later).
    assert max(counts) <= PAGE_QUERIES + 1
