"""The "check a document" answer for an issued summary a committee member countersigned: the
portal's signature, then each later one, read on a phone (390 px) and an office screen
(1366 px) without sideways scrolling, serious accessibility findings or English."""

import pytest
from django.conf import settings as django_settings

from tests.e2e.page_checks import (
    DESKTOP,
    PHONE,
    axe_violations,
    english_words,
    horizontal_overflow,
    keep_screenshot,
)
from tests.reports.document_check import CHECK, stored
from tests.reports.signed_pdfs import (
    PASSPHRASE,
    countersign,
    make_countersigner,
    make_pki,
    sign,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    # tests/reports/conftest.py's fixtures do not reach this folder: the same PKI, made here.
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def signed_by_the_organisation(settings, pki):
    settings.SIGNING_PKCS12_PATH = str(pki.p12_path)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_TRUST_ROOTS = ""


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_countersigned_summary_s_answer_reads_on_every_screen(
    transactional_db,
    tree,
    cast,
    signed_by_the_organisation,
    pki,
    client,
    live_server,
    page,
    tmp_path,
    screen,
):
    content = sign().content
    stored(tree, cast, content)
    member = make_countersigner("Nguyễn Văn An", pki.root, pki.root_key)
    once = countersign(content, member, "KyTiep")
    document = tmp_path / "Báo cáo 15 đã ký thêm của Ban Thường vụ.pdf"
    document.write_bytes(countersign(once, make_countersigner("Trần Thị Bình"), "KyTiep2"))
    client.force_login(cast["standing"])
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.set_viewport_size(screen)
    page.goto(f"{live_server.url}{CHECK}")
    page.set_input_files("#id_document", str(document))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    answer = page.locator('[data-outcome="countersigned"]')
    assert answer.is_visible()
    assert answer.locator("ol > li").count() == 2
    keep_screenshot(page, f"document-check-countersigned-{screen['width']}")
    assert horizontal_overflow(page) == []
    assert axe_violations(page) == []
    assert english_words(page) == []
