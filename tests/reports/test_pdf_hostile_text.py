"""Hostile text in every field of a summary and in the names that reach its PDF is never
fetched and shows as typed, and the PDF renders the same in the sandbox's child process.
The sandbox on its own (the URL fetcher, the child process under a time and memory cap) is
tested in tests/config/test_pdf_sandbox.py."""

import urllib.request

import pytest

from config import pdf_sandbox
from reports import pdf
from tests.config.sandbox_probes import pdf_listing, spy_server
from tests.reports.summaries import (
    SIGNER,
    issue,
    make_summary,
    pdftotext,
    squeezed,
)
from units.models import Unit


@pytest.fixture
def http_spy():
    with spy_server() as spy:
        yield spy


TEXT_FIELDS = [
    "number",
    "place",
    "parent_body",
    "issuing_body",
    "subject",
    "addressee",
    "signer_block",
    "signer_title",
    "signer_name",
    "recipients",
    "general_assessment",
    "results",
    "shortcomings",
    "obstacles_proposals",
    "direction",
]


UPPER_FIELDS = {"parent_body", "issuing_body", "signer_block", "signer_title"}


def payloads(base):
    return [
        '<img src="file:///etc/passwd">',
        f'<img src="{base}/i.png">',
        f"</p><style>@import url({base}/i.css);</style>",
        f'<div style="background:url({base}/b.png)">x</div>',
        f'<link rel="stylesheet" href="{base}/l.css">',
        f'<svg><image href="{base}/s.png"/></svg>',
        f"@import url({base}/t.css);",
        f"body {{ background: url({base}/t.png) }}",
        '<img src="portal://static/../../../etc/passwd">',
    ]


def test_hostile_text_in_every_field_is_never_fetched_and_shows_as_text(
    tree, cast, campaign, tmp_path, http_spy, monkeypatch
):
    urllib.request.urlopen(http_spy.url + "/control").read()  # noqa: S310 -- the spy counts
    assert http_spy.hits == ["/control"]
    http_spy.hits.clear()
    attacks = payloads(http_spy.url)
    fields = {}
    for index, name in enumerate(TEXT_FIELDS):
        fields[name] = f"F{index:02d}" + attacks[index % len(attacks)]
    fields["general_assessment"] = "\n".join(attacks)
    # Names that reach the PDF from the data: the tables, the appendix and its charts.
    Unit.objects.filter(pk=tree["DA"].pk).update(short_name=attacks[1])
    Unit.objects.filter(pk=tree["DB"].pk).update(short_name=attacks[5])
    campaign.indicators.filter(code="sessions").update(name=attacks[2])
    fetched = []
    fetch = pdf_sandbox.PortalURLFetcher.fetch

    def spying(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf_sandbox.PortalURLFetcher, "fetch", spying)
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"], **fields), cast["cspl"])
    content = pdf.render_summary_pdf(summary)

    assert http_spy.hits == []
    # The stylesheet (and data: URLs, were there any) was all that was asked for.
    assert pdf.STYLESHEET_URL in fetched
    assert all(
        url == pdf.STYLESHEET_URL or url.startswith("data:image/svg+xml;base64,") for url in fetched
    ), fetched
    assert pdf_listing("pdfimages", content, tmp_path) == []  # no raster image came in
    text = squeezed(pdftotext(content, tmp_path, "-raw"))
    for attack in attacks:
        assert squeezed(attack) in text, attack  # printed as typed
    for name in TEXT_FIELDS:
        typed = fields[name].splitlines()[0]
        shown = typed.upper() if name in UPPER_FIELDS else typed
        assert squeezed(shown) in text, name
    html = pdf.render_html(summary)
    for attack in attacks:
        assert "<" not in attack or attack not in html, attack  # escaped, never markup


def test_the_pdf_renders_the_same_in_the_child_process(tree, cast, campaign, tmp_path):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    content = pdf.render_summary_pdf(summary, isolated=True)
    assert content.startswith(b"%PDF")
    assert SIGNER in pdftotext(content, tmp_path)
