"""The README's backup (pg_dump --format=custom, the media as a tar archive) restores: the
check script dumps this run's test database, restores it into a scratch database and
compares every table's row count, and archives a media directory and compares its files."""

import json
import subprocess

import pytest
from django.conf import settings
from django.db import connection

from campaign.models import Campaign
from campaign.seed import DEFAULT_CAMPAIGN, load_campaign
from tests.deploy import readme
from units.models import Unit

pytestmark = pytest.mark.postgres

SCRIPT = readme.ROOT / ".ci" / "backup-check.sh"


def database_url():
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_script(*args):
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def committed_data(require_postgres, transactional_db, cast):
    """The tree, its users and the shipped campaign, committed so that pg_dump sees them."""
    data = json.loads(DEFAULT_CAMPAIGN.read_text(encoding="utf-8"))
    data["issuer_code"] = "PV"
    load_campaign(data)
    return Campaign.objects.get()


def test_a_dump_restores_with_every_row_and_the_media_archive_is_complete(committed_data, tmp_path):
    media = tmp_path / "media"
    (media / "uploads" / "2026").mkdir(parents=True)
    (media / "uploads" / "2026" / "ke-hoach.pdf").write_bytes(b"%PDF-1.4 scan")
    (media / "summaries").mkdir()
    (media / "summaries" / "bao-cao.pdf").write_bytes(b"%PDF-1.4 summary")
    scratch = f"{settings.DATABASES['default']['NAME']}_restore_check"

    result = run_script(database_url(), scratch, str(media))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "every count equal" in result.stdout
    assert f"  units_unit {Unit.objects.count()}\n" in result.stdout
    assert f"  campaign_campaign {Campaign.objects.count()}\n" in result.stdout
    assert "media: 2 files archived" in result.stdout
    # The scratch database is gone afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [scratch])
        assert cursor.fetchone()[0] == 0


def test_it_refuses_to_drop_a_database_not_named_as_a_scratch_one():
    result = run_script("postgres://postgres@127.0.0.1:5432/portal", "portal")

    assert result.returncode == 2
    assert "must end in _restore_check" in result.stderr
