"""Fuzzing the plan form: header, activities formset and scan, new and edited, as the
unit's officer."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from campaign.models import Activity, Attachment, Plan
from tests.campaign.upload_files import PDF_BYTES
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import (
    as_stored,
    assert_not_a_server_error,
    assert_refused_in_vietnamese,
    nfc,
    rolled_back,
)

METHODS = [choice for choice, _label in Activity.Method.choices]


def header():
    return st.fixed_dictionaries(
        {
            "doc_number": fz.hostile_text(50),
            "doc_date": fz.hostile_date(),
            "signer": fz.hostile_text(150),
            "summary": fz.hostile_text(5000),
        }
    )


def activity_row():
    return st.fixed_dictionaries(
        {
            "method": fz.hostile_choice(METHODS),
            "audience": fz.hostile_text(255),
            "planned_on": fz.hostile_date(),
            "planned_quarter": fz.hostile_choice(["", "1", "2", "3", "4"]),
            "expected_participants": fz.hostile_number(),
        },
        optional={"themes": st.lists(fz.hostile_choice([]) | st.just("THEME"), max_size=3)},
    )


def management(rows, initial):
    """A formset's management form: right, or tampered with in one of the ways a script can."""
    right = {
        "activities-TOTAL_FORMS": str(rows),
        "activities-INITIAL_FORMS": str(initial),
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
    }
    broken = st.fixed_dictionaries(
        {},
        optional={
            "activities-TOTAL_FORMS": fz.hostile_number(),
            "activities-INITIAL_FORMS": fz.hostile_number(),
        },
    )
    return st.one_of(st.just(right), st.just(right), broken)


def upload():
    """No file, a real PDF under any name, or any bytes under any name."""
    # Names a file system allows (255 bytes); longer ones are in test_regressions.py.
    name = st.one_of(
        st.just("ke-hoach.pdf"),
        fz.hostile_text(200).filter(lambda name: 0 < len(name.encode()) <= 255),
    )
    content = st.one_of(st.just(PDF_BYTES), st.binary(max_size=64))
    return st.one_of(st.none(), st.tuples(name, content))


@st.composite
def plan_post(draw, initial_ids=()):
    rows = draw(st.lists(activity_row(), max_size=3))
    data = dict(draw(header()))
    ids = list(initial_ids)
    data.update(draw(management(len(rows) + len(ids), len(ids))))
    for index, row in enumerate([*({"id": str(pk)} for pk in ids), *rows]):
        for name, value in row.items():
            data[f"activities-{index}-{name}"] = value
    return data, draw(upload())


def _with_themes(data, campaign):
    """Replace the placeholder THEME by a real content item of the campaign."""
    theme = str(campaign.themes.first().pk)
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = [theme if item == "THEME" else item for item in value]
    return data


def _files(upload_drawn):
    if upload_drawn is None:
        return {}
    name, content = upload_drawn
    return {"file": SimpleUploadedFile(name, content)}


def plan_state(unit, campaign):
    """Everything of the unit's plan that a refused save must leave alone."""
    plan = Plan.objects.filter(unit=unit, campaign=campaign).first()
    if plan is None:
        return None
    return (
        {field: getattr(plan, field) for field in Plan.SNAPSHOT_FIELDS},
        plan.version,
        sorted(
            (a.pk, a.method, a.audience, a.planned_on, a.planned_quarter, a.expected_participants)
            for a in plan.activities.all()
        ),
        sorted(plan.attachments.values_list("pk", flat=True)),
        Activity.objects.count(),
        Attachment.objects.count(),
    )


def assert_saved_as_typed(plan, data):
    """What a successful save stored is what was typed, NFC-normalised, within the limits."""
    for name, limit in (("doc_number", 50), ("signer", 150), ("summary", 5000)):
        stored = getattr(plan, name)
        assert stored == as_stored(data[name]), name
        assert 0 < len(stored) <= limit
    assert datetime.date(2000, 1, 1) <= plan.doc_date <= datetime.date(2100, 12, 31)
    assert plan.activities.exists()
    for activity in plan.activities.all():
        assert 0 < len(activity.audience) <= 255
        assert activity.audience == nfc(activity.audience)
        assert activity.expected_participants is None or (
            0 <= activity.expected_participants <= 1_000_000
        )
        assert activity.planned_on or activity.planned_quarter in (1, 2, 3, 4)
    for attachment in plan.attachments.all():
        assert 0 < len(attachment.original_name) <= 200


@given(drawn=plan_post())
def test_a_new_plan_is_saved_as_typed_or_refused_in_vietnamese(
    vi_client, tree, cast, campaign, drawn
):
    data, upload_drawn = drawn
    data = _with_themes(data, campaign)
    vi_client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    with rolled_back():
        response = vi_client.post(url, {**data, **_files(upload_drawn)})
        assert_not_a_server_error(response)
        if response.status_code == 302:
            plan = Plan.objects.get(unit=tree["A1"], campaign=campaign)
            assert response.url == plan.get_absolute_url()
            assert_saved_as_typed(plan, data)
        else:
            assert_refused_in_vietnamese(response)
            assert plan_state(tree["A1"], campaign) is None
            assert Activity.objects.count() == 0
            assert Attachment.objects.count() == 0


@given(drawn=plan_post(initial_ids=["EXISTING"]), version=st.just("1") | fz.hostile_number())
def test_an_edited_plan_is_saved_as_typed_or_left_as_it_was(
    vi_client, tree, cast, campaign, plan_a1, drawn, version
):
    data, upload_drawn = drawn
    data = _with_themes(data, campaign)
    existing = str(plan_a1.activities.get().pk)
    data = {key: existing if value == "EXISTING" else value for key, value in data.items()}
    data["version"] = version
    vi_client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_edit", args=[plan_a1.pk])
    with rolled_back():
        before = plan_state(tree["A1"], campaign)
        response = vi_client.post(url, {**data, **_files(upload_drawn)})
        assert_not_a_server_error(response)
        if response.status_code == 302:
            plan_a1.refresh_from_db()
            assert plan_a1.version == 2
            assert_saved_as_typed(plan_a1, data)
        else:
            assert_refused_in_vietnamese(response)
            assert plan_state(tree["A1"], campaign) == before
