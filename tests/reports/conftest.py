"""Fixtures of the counting tests over the generated federation (tests/reports/world.py), the
campaign with reports the summary tests start from (tests/reports/summaries.py), and the
signing tests' PKI and settings (tests/reports/signed_pdfs.py)."""

import datetime

import pytest
from django.core.cache import cache

from tests.reports import world
from tests.reports.signed_pdfs import PASSPHRASE, make_countersigner, make_pki
from tests.reports.summaries import campaign_with_reports
from tests.reports.world import fresh_data_version
from units.models import Unit
from units.reorganisations import reorganisation_apply

# After 2024's cut-off (14/12/2024), before the world clock's today (10/01/2025).
MERGED_ON = datetime.date(2025, 1, 5)
# The days the commune union merged on, and the one it merged into (`merged_thrice`).
MERGED_AGAIN_ON = (datetime.date(2025, 1, 7), datetime.date(2025, 1, 9))


@pytest.fixture
def world_clock(freeze):
    """Today is 10/01/2025 (world.TODAY), 09:00 in Viet Nam: 2024's reports are due, not
    locked yet. The frozen moment, in UTC; the `freeze` of tests/conftest.py."""
    return freeze(world.local(world.TODAY, 9).astimezone(datetime.UTC))


@pytest.fixture
def fresh_version(db):
    """A data version no other test used: tests reuse primary keys on SQLite, and the
    writes of a test never commit, so no signal moves the version on by itself."""
    fresh_data_version()


@pytest.fixture
def fresh_cache():
    """An empty cache before and after: test data is rolled back without moving the data
    version, so a test must never read another test's cached rollup."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world_day(world_clock, fresh_version, fresh_cache):
    """A day of the world clock, with a data version of its own and an empty cache: what a
    test of the pages that count reports starts from. The frozen moment."""
    return world_clock


@pytest.fixture
def campaign(tree):
    """The campaign with the reports of summaries.FILED; a module whose tests need another
    campaign defines its own."""
    return campaign_with_reports(tree)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """The test PKI, made once a session: its keys are slow to generate."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def countersigners(pki):
    """Two Standing Committee members' own certificates, for countersigning an issued
    summary: one issued by the test root (the portal trusts it), one self-signed."""
    return {
        "trusted": make_countersigner("Nguyễn Văn An", pki.root, pki.root_key),
        "self_signed": make_countersigner("Trần Thị Bình"),
    }


@pytest.fixture
def configured(settings, pki):
    """The organisation's certificate configured, no time-stamp server."""
    settings.SIGNING_PKCS12_PATH = str(pki.p12_path)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = ""
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def unconfigured(settings):
    """No signing certificate configured: summaries are issued unsigned."""
    settings.SIGNING_PKCS12_PATH = ""
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def merged_commune(tree, campaign, reorganise, admin_user):
    """District A merged into a commune union set up on MERGED_ON, its grassroots moved
    there, after `campaign` (the module's) filed its reports. The commune union."""
    act = reorganise(
        MERGED_ON,
        {
            "action": "create",
            "code": "XA",
            "name": "Công đoàn xã An",
            "kind": "commune",
            "target_code": "PV",
        },
        {"action": "move", "unit_code": "A1", "target_code": "XA"},
        {"action": "move", "unit_code": "A2", "target_code": "XA"},
        {"action": "merge", "unit_code": "DA", "target_code": "XA"},
    )
    reorganisation_apply(reorganisation=act, user=admin_user)
    return Unit.objects.get(code="XA")


@pytest.fixture
def merged_thrice(merged_commune, reorganise, admin_user):
    """District A merged into a commune union (`merged_commune`), which merged into another
    set up on the day, which merged in turn into a third: DA → XA → XB → XC, a chain of
    three mergers, the grassroots moved along. The last commune union, XC."""
    for day, (code, name, target) in zip(
        MERGED_AGAIN_ON,
        [("XB", "Công đoàn xã Bình", "XA"), ("XC", "Công đoàn xã Châu", "XB")],
        strict=True,
    ):
        act = reorganise(
            day,
            {
                "action": "create",
                "code": code,
                "name": name,
                "kind": "commune",
                "target_code": "PV",
            },
            {"action": "move", "unit_code": "A1", "target_code": code},
            {"action": "move", "unit_code": "A2", "target_code": code},
            {"action": "merge", "unit_code": target, "target_code": code},
            number=f"{day:%d%m%Y}/QĐ-LĐLĐ",
        )
        reorganisation_apply(reorganisation=act, user=admin_user)
    return Unit.objects.get(code="XC")
