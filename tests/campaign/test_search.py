"""The search page: accent- and case-insensitive, word by word, each kind of object, within the
user's scope only, a few results per kind, and a clear word on an empty or short query."""

import datetime

import pytest
from django.urls import reverse

from campaign import search
from campaign.models import Inspection, Obstacle, Status
from tests.campaign.filings import make_plan, make_report
from tests.factories import UnitFactory
from units.models import Unit

URL = reverse("campaign:search")


@pytest.fixture
def named(tree):
    """Units with real Vietnamese names: one "Châu Thành" under each district, a school
    with "Đồng Khởi" in district A."""
    units = {
        "CT-A": UnitFactory.create(tree["DA"], code="CT-A", name="Công đoàn xã Châu Thành"),
        "CT-B": UnitFactory.create(
            tree["DB"], code="CT-B", name="CĐCS thị trấn Châu Thành", short_name="CĐ TT Châu Thành"
        ),
        "DK": UnitFactory.create(tree["DA"], code="DK", name="CĐCS Trường THPT Đồng Khởi"),
    }
    return {code: Unit.objects.get(pk=unit.pk) for code, unit in units.items()}


def results(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response


def found(response, kind="units"):
    """The objects of one kind on the page, from the context (the page shows them all)."""
    if "page" in response.context and response.context.get("kind"):
        return list(response.context["page"])
    return next(g.items for g in response.context["groups"] if g.kind.key == kind)


def unit_codes(response):
    return {unit.code for unit in found(response, "units")}


@pytest.mark.parametrize("query", ["chau thanh", "CHAU THANH", "Châu Thành", "châu thanh"])
def test_a_name_is_found_without_its_accents_and_in_any_case(client, cast, named, query):
    client.force_login(cast["reviewer_a"])
    response = results(client, query)
    assert unit_codes(response) == {"CT-A"}
    assert f'href="{reverse("units:unit_detail", args=[named["CT-A"].pk])}"' in (
        response.content.decode()
    )


@pytest.mark.parametrize("query", ["dong khoi", "DONG KHOI", "Đồng Khởi", "đong khoi", "ĐÔNG"])
def test_d_with_stroke_matches_a_plain_d(client, cast, named, query):
    client.force_login(cast["reviewer_a"])
    assert unit_codes(results(client, query)) == {"DK"}


def test_every_word_must_match_in_any_order(client, cast, named):
    client.force_login(cast["reviewer_a"])
    assert unit_codes(results(client, "thanh chau")) == {"CT-A"}
    assert unit_codes(results(client, "xa thanh")) == {"CT-A"}
    # "cong doan" is in the name of CT-A only; the two words together, in CT-A only.
    assert unit_codes(results(client, "chau thanh truong")) == set()
    assert unit_codes(results(client, "cdcs")) == {"A1", "A2", "DK"}


def test_the_short_name_is_searched_too(client, cast, named):
    client.force_login(cast["cspl"])
    assert unit_codes(results(client, "cd tt")) == {"CT-B"}


def test_a_unit_and_its_documents_are_found_by_its_code(client, cast, named, campaign):
    # The code is on every unit's page and in the lists of units: what a reviewer copies.
    plan = make_plan(named["DK"], campaign, cast["officer_a"])
    client.force_login(cast["cspl"])
    response = results(client, "dk")
    assert unit_codes(response) == {"DK"}
    assert found(response, "plans") == [plan]
    assert unit_codes(results(client, "ct-b")) == {"CT-B"}


def test_another_districts_units_and_plans_never_appear(client, cast, named, campaign):
    make_plan(named["CT-A"], campaign, cast["officer_a"], doc_number="7/KH-CĐ")
    make_plan(named["CT-B"], campaign, cast["officer_b1"], doc_number="8/KH-CĐ")
    client.force_login(cast["reviewer_a"])
    response = results(client, "chau thanh")
    assert unit_codes(response) == {"CT-A"}
    assert [plan.unit.code for plan in found(response, "plans")] == ["CT-A"]
    page = response.content.decode()
    assert "thị trấn Châu Thành" not in page
    assert "8/KH-CĐ" not in page
    # Asked for one kind alone, the same.
    assert [u.code for u in found(results(client, "chau thanh", type="units"))] == ["CT-A"]
    # The province's reviewer reaches both districts.
    client.force_login(cast["cspl"])
    assert unit_codes(results(client, "chau thanh")) == {"CT-A", "CT-B"}


def test_officers_and_viewers_search_what_they_see(client, cast, named, tree, campaign):
    make_plan(tree["A1"], campaign, cast["officer_a1"], doc_number="3/KH-A1")
    make_plan(tree["B1"], campaign, cast["officer_b1"], doc_number="4/KH-B1")
    client.force_login(cast["officer_a1"])
    response = results(client, "kh")
    assert [plan.unit.code for plan in found(response, "plans")] == ["A1"]
    assert unit_codes(results(client, "cdcs")) == {"A1"}
    client.force_login(cast["standing"])
    assert {p.unit.code for p in found(results(client, "kh"), "plans")} == {"A1", "B1"}


def test_a_user_without_a_role_finds_nothing_and_has_no_box(client, cast, named):
    client.force_login(cast["outsider"])
    response = results(client, "chau thanh")
    assert response.context["total"] == 0
    assert "Không tìm thấy kết quả nào cho “chau thanh”" in response.content.decode()
    assert 'id="navbar-search"' not in response.content.decode()
    client.force_login(cast["reviewer_a"])
    assert 'id="navbar-search"' in client.get(reverse("units:home")).content.decode()


def test_each_kind_is_found(client, cast, named, tree, campaign):
    plan = make_plan(named["CT-A"], campaign, cast["officer_a"], doc_number="35/KH-CĐCT")
    report = make_report(named["CT-A"], campaign, 2016, status=Status.SUBMITTED)
    numbered = make_report(named["CT-A"], campaign, 2017)
    numbered.doc_number = "07/BC-CĐCT"
    numbered.save()
    obstacle = Obstacle.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        raised_by=cast["officer_a1"],
        subject="Thiếu kinh phí in tài liệu",
        text="Đơn vị chưa có kinh phí.",
    )
    inspection = Inspection.objects.create(
        unit=tree["A2"],
        campaign=campaign,
        visited_on=datetime.date(2016, 5, 4),
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng đoàn",
        findings="Đơn vị chưa lập sổ theo dõi tuyên truyền.",
        recorded_by=cast["reviewer_a"],
    )
    client.force_login(cast["reviewer_a"])
    assert found(results(client, "35/kh-cdct"), "plans") == [plan]
    # A report by its unit's name and its year.
    assert found(results(client, "chau thanh 2016"), "reports") == [report]
    assert found(results(client, "07/bc-cdct"), "reports") == [numbered]
    assert found(results(client, "kinh phi"), "obstacles") == [obstacle]
    assert found(results(client, "so theo doi"), "inspections") == [inspection]
    # Each says where it stands: the visit made no recommendation.
    assert "Không có kiến nghị</span>" in results(client, "so theo doi").content.decode()
    page = results(client, "chau thanh").content.decode()
    for obj in (plan, report):
        assert f'href="{obj.get_absolute_url()}"' in page


def test_wildcards_typed_are_plain_characters(client, cast, named):
    # As LIKE wildcards, "chau%thanh" and "chau_" would match "Châu Thành".
    client.force_login(cast["cspl"])
    assert results(client, "chau%thanh").context["total"] == 0
    assert results(client, "chau_").context["total"] == 0
    assert results(client, "chau").context["total"] > 0
    # Wildcards alone are no letters or digits: asked for some, nothing searched.
    assert not results(client, "%%").context["form"].is_valid()


def test_each_kind_shows_ten_and_links_to_the_rest(client, cast, tree):
    for n in range(12):
        UnitFactory.create(tree["DA"], code=f"TDP{n:02d}", name=f"Công đoàn tổ dân phố {n}")
    client.force_login(cast["reviewer_a"])
    response = results(client, "to dan pho")
    group = response.context["groups"][0]
    assert (len(group.items), group.count, group.more) == (search.SHOWN, 12, 2)
    page = response.content.decode()
    assert "và 2 kết quả khác: xem tất cả" in page
    assert "type=units" in page
    everything = results(client, "to dan pho", type="units")
    assert len(found(everything)) == 12
    assert "Quay lại toàn bộ kết quả" in everything.content.decode()


def test_an_empty_query_says_what_to_type(client, cast):
    client.force_login(cast["reviewer_a"])
    for response in (client.get(URL), results(client, "   ")):
        page = response.content.decode()
        assert "Gõ ít nhất hai chữ của điều bạn cần tìm" in page
        assert "groups" not in response.context
        assert "<title>Tìm kiếm ·" in page  # not "Tìm kiếm:  ·", naming nothing


@pytest.mark.parametrize("query", ["a", " đ ", "(a)", "."])
def test_a_query_of_one_character_says_what_to_type_and_is_kept(client, cast, query):
    client.force_login(cast["reviewer_a"])
    response = results(client, query)
    page = response.content.decode()
    assert "Nhập ít nhất 2 chữ hoặc chữ số" in page
    assert "groups" not in response.context
    assert "is-invalid" in page


def test_letters_typed_with_their_marks_apart_count_once(client, cast):
    # Unikey's "Unicode tổ hợp" sends "ắ" as a, breve, acute: one letter, not three.
    client.force_login(cast["reviewer_a"])
    page = results(client, "a\u0306\u0301").content.decode()
    assert "Nhập ít nhất 2 chữ hoặc chữ số" in page
    page = results(client, "o\u031b\u0300" * 50).content.decode()
    assert "Nhập tối đa" not in page


def test_the_query_stays_in_the_box(client, cast, named):
    client.force_login(cast["reviewer_a"])
    page = results(client, "chau thanh").content.decode()
    assert 'name="q" id="id_q" value="chau thanh"' in page


def test_a_very_long_query_is_refused_with_a_message(client, cast):
    client.force_login(cast["reviewer_a"])
    page = results(client, "x" * 101).content.decode()
    assert "Nhập tối đa 100 ký tự; bạn đã nhập 101." in page
    page = results(client, " ".join(["ab"] * 9)).content.decode()
    assert "Chỉ dùng tối đa 8 từ." in page


def test_search_is_get_only_and_needs_a_login(client, cast):
    response = client.get(URL, {"q": "chau thanh"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(cast["reviewer_a"])
    assert client.post(URL, {"q": "chau thanh"}).status_code == 405


def test_the_page_costs_a_fixed_number_of_queries(
    client, cast, named, tree, campaign, django_assert_max_num_queries
):
    for n in range(15):
        unit = UnitFactory.create(tree["DA"], code=f"CTX{n:02d}", name=f"CĐCS Châu Thành {n}")
        make_plan(unit, campaign, cast["officer_a"], attach=False)
        make_report(unit, campaign, 2016)
    client.force_login(cast["reviewer_a"])
    # The user (1), the scope (1), the notice bell (1), then per kind the first ten and,
    # when ten are shown, the count (units, plans and reports here: 2 each; obstacles and
    # inspections: 1 each), whatever the number of matches.
    with django_assert_max_num_queries(11):
        response = results(client, "chau thanh")
    assert [g.count for g in response.context["groups"]] == [16, 15, 15, 0, 0]


def test_a_name_pasted_with_a_zero_width_space_is_found(client, cast, named):
    client.force_login(cast["reviewer_a"])
    assert unit_codes(results(client, "\u200bChâu Thành")) == {"CT-A"}


def test_accents_alone_are_no_query_and_match_nothing(client, cast, named):
    # Two combining accents passed the two-character minimum, folded to nothing and matched
    # every unit in the user's scope.
    client.force_login(cast["reviewer_a"])
    response = client.get(URL, {"q": "\u0301\u0301"})
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert "groups" not in response.context or not any(
        group.items for group in response.context["groups"]
    )
