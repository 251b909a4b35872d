"""The seed's campaign ships as data: loading it creates the campaign once and updates it after."""

import datetime
import io
import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from campaign.models import Campaign, Indicator, Theme
from campaign.seed import DEFAULT_CAMPAIGN, CampaignDataError, load_campaign_file
from units.models import Unit


@pytest.fixture
def ben_tre(db):
    """The provincial federation that issues the seed's plan (code BT, as in the demo data)."""
    return Unit.objects.add_root(
        create_kwargs={
            "code": "BT",
            "name": "Liên đoàn Lao động tỉnh Bến Tre",
            "kind": Unit.Kind.PROVINCE,
        }
    )


@pytest.fixture
def campaign_file(tmp_path):
    """A writable copy of the shipped file, and a helper to change it."""
    path = tmp_path / "campaign.json"
    shutil.copy(DEFAULT_CAMPAIGN, path)

    def edit(change):
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return path, edit


def snapshot():
    return (
        list(Campaign.objects.order_by("pk").values()),
        list(Theme.objects.order_by("pk").values()),
        list(Indicator.objects.order_by("pk").values()),
    )


def test_loading_the_shipped_file_creates_the_seed_campaign_issued_by_the_province(ben_tre):
    campaign, created = load_campaign_file(DEFAULT_CAMPAIGN)

    assert created is True
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.slug == "cchc-2015"
    assert campaign.issuer == ben_tre
    assert campaign.title.startswith("Tổ chức tuyên truyền thực hiện Kế hoạch số 2.579/KH-UBND")
    assert campaign.directive.startswith("Kế hoạch số 2.579/KH-UBND ngày 29/5/2015")
    assert (campaign.first_year, campaign.last_year) == (2015, None)
    assert campaign.plan_due_on == datetime.date(2015, 7, 31)
    assert (campaign.report_due_day, campaign.report_due_month) == (20, 12)
    assert (campaign.cutoff_day, campaign.cutoff_month) == (14, 12)
    assert sorted(campaign.addressed_kinds) == sorted(
        kind for kind in Unit.Kind.values if kind != Unit.Kind.PROVINCE
    )


def test_the_content_items_follow_section_two_with_the_four_dashes_under_item_two(ben_tre):
    campaign, _created = load_campaign_file(DEFAULT_CAMPAIGN)

    themes = list(campaign.themes.select_related("parent"))
    assert [theme.number for theme in themes] == ["1", "2", "2.1", "2.2", "2.3", "2.4", "3", "4"]
    by_number = {theme.number: theme for theme in themes}
    for number in ("1", "2", "3", "4"):
        assert by_number[number].parent is None
    for number in ("2.1", "2.2", "2.3", "2.4"):
        assert by_number[number].parent == by_number["2"]
    assert by_number["2"].title.startswith("Tuyên truyền, phổ biến các nội dung của Chương trình")
    assert "Nghị quyết số 30c/NQ-CP ngày 08/11/2011" in by_number["2"].title
    assert by_number["2.2"].title == "Tuyên truyền về thực hiện cải cách thủ tục hành chính;"
    assert "Chỉ thị số 21-CT/TW ngày 21/12/2012" in by_number["4"].title


def test_the_eight_indicators_load_in_order_with_their_kinds(ben_tre):
    campaign, _created = load_campaign_file(DEFAULT_CAMPAIGN)

    rows = list(campaign.indicators.values_list("code", "kind", "unit_of_measure"))
    assert rows == [
        ("sessions", "integer", "buổi"),
        ("participants", "integer", "lượt người"),
        ("grassroots_plans", "integer", "đơn vị"),
        ("documents", "integer", "bản"),
        ("news_items", "integer", "tin, bài"),
        ("initiatives", "integer", "sáng kiến"),
        ("members_commended", "integer", "người"),
        ("other_forms", "text", ""),
    ]
    assert campaign.indicators.get(code="participants").name == "Số lượt CNVCLĐ tham gia"


def test_loading_the_file_twice_changes_nothing(ben_tre):
    load_campaign_file(DEFAULT_CAMPAIGN)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        _campaign, created = load_campaign_file(DEFAULT_CAMPAIGN)

    assert created is False
    assert snapshot() == before
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


def test_a_changed_file_updates_the_existing_campaign_instead_of_adding_one(ben_tre, campaign_file):
    first, _created = load_campaign_file(DEFAULT_CAMPAIGN)
    theme_ids = set(first.themes.values_list("pk", flat=True))
    _path, edit = campaign_file

    def change(data):
        data["title"] = "Tiêu đề đã sửa"
        data["number"] = "12/KH-LĐLĐ"
        data["themes"][2]["title"] = "Nội dung 2.1 đã sửa"
        data["indicators"][0]["name"] = "Số buổi tuyên truyền"

    campaign, created = load_campaign_file(edit(change))

    assert created is False
    assert campaign.pk == first.pk
    assert Campaign.objects.count() == 1
    campaign.refresh_from_db()
    assert (campaign.title, campaign.number) == ("Tiêu đề đã sửa", "12/KH-LĐLĐ")
    assert campaign.themes.get(number="2.1").title == "Nội dung 2.1 đã sửa"
    assert campaign.indicators.get(code="sessions").name == "Số buổi tuyên truyền"
    assert set(campaign.themes.values_list("pk", flat=True)) == theme_ids


def test_items_left_out_of_the_file_are_kept_because_plans_may_refer_to_them(
    ben_tre, campaign_file
):
    load_campaign_file(DEFAULT_CAMPAIGN)
    _path, edit = campaign_file

    def drop_last(data):
        del data["themes"][-1]
        del data["indicators"][-1]

    campaign, _created = load_campaign_file(edit(drop_last))

    assert campaign.themes.filter(number="4").exists()
    assert campaign.indicators.filter(code="other_forms").exists()


def test_sub_items_may_come_before_their_parent_in_the_file(ben_tre, campaign_file):
    _path, edit = campaign_file

    campaign, _created = load_campaign_file(edit(lambda data: data["themes"].reverse()))

    assert campaign.themes.get(number="2.3").parent == campaign.themes.get(number="2")


def test_a_missing_issuing_unit_is_a_clear_error_and_saves_nothing(tree):
    with pytest.raises(CampaignDataError, match="BT") as raised:
        load_campaign_file(DEFAULT_CAMPAIGN)

    assert isinstance(raised.value, ValueError)
    assert Campaign.objects.count() == 0


def test_a_sub_item_without_its_parent_is_refused(ben_tre, campaign_file):
    _path, edit = campaign_file

    def orphan(data):
        data["themes"].append({"number": "7.1", "title": "Ý không có mục cha"})

    with pytest.raises(CampaignDataError, match=r"7\.1"):
        load_campaign_file(edit(orphan))
    assert Campaign.objects.count() == 0


def test_an_invalid_value_raises_validation_error_before_anything_is_saved(ben_tre, campaign_file):
    _path, edit = campaign_file

    def bad_indicator(data):
        data["indicators"][-1]["kind"] = "decimal"

    with pytest.raises(ValidationError) as raised:
        load_campaign_file(edit(bad_indicator))

    assert any("other_forms" in message for message in raised.value.messages)
    assert Campaign.objects.count() == 0
    assert Theme.objects.count() == 0


def test_a_file_that_is_not_json_is_a_clear_error(ben_tre, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with translation.override("en"), pytest.raises(CampaignDataError, match="not valid JSON"):
        load_campaign_file(path)


def test_the_command_loads_the_shipped_campaign_and_prints_a_summary(ben_tre):
    out = io.StringIO()
    with translation.override("en"):
        call_command("load_campaign", stdout=out)
        call_command("load_campaign", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == ("Campaign cchc-2015 created with 8 content items and 8 indicators.")
    assert lines[1] == (
        "Campaign cchc-2015 is up to date with the file: 8 content items and 8 indicators."
    )
    assert Campaign.objects.get().slug == "cchc-2015"


def test_the_command_turns_data_errors_into_a_command_error(tree, campaign_file):
    path, edit = campaign_file
    with pytest.raises(CommandError, match="BT"):
        call_command("load_campaign", str(path), stdout=io.StringIO())

    tree_code = edit(lambda data: data.update(issuer_code="PV", report_due_month=13))
    with pytest.raises(CommandError, match="report_due_month"):
        call_command("load_campaign", str(tree_code), stdout=io.StringIO())
    assert Campaign.objects.count() == 0


def test_a_file_saved_with_a_byte_order_mark_loads(ben_tre, campaign_file):
    path, _edit = campaign_file
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    campaign, created = load_campaign_file(path)
    assert created and campaign.indicators.count() == 8


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(issued_on=20150101),  # a number for a date
        lambda data: data["indicators"][0].update(code=["a", "b"]),  # a list for a code
    ],
)
def test_a_value_of_the_wrong_kind_is_a_clear_error_and_saves_nothing(
    ben_tre, campaign_file, change
):
    _path, edit = campaign_file
    path = edit(change)
    with pytest.raises(CampaignDataError, match=r"sai kiểu|wrong kind"):
        load_campaign_file(path)
    assert Campaign.objects.count() == 0
