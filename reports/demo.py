"""The demo's issued summary documents, signed with a test certificate the demo makes.

After the campaign's history is loaded (campaign/demo.py), the demo holds the two 2024
reports a union office would have sent in January 2025, before the reorganisations of that
year (units/data/README.md):

- LĐLĐ huyện Châu Thành's report to the province, dated 10/01/2025, issued by its reviewer
  (`ldld.chauthanh`, who reviewed there until the district federation ended);
- LĐLĐ tỉnh Bến Tre's report to the Confederation, dated 20/01/2025, issued by the CSPL
  board (`cspl`): Bến Tre closed on 01/07/2025, and a document dated after that would be
  refused in its name.

Both units have closed since, and a closed unit's reports are not corrected. So that the
demo shows a correction, it also holds the 2025 report of LĐLĐ tỉnh Vĩnh Long (open since
01/07/2025) to the Confederation, dated 20/01/2026 and issued by `cspl`, and its correction,
dated 27/01/2026, which puts right a date its narrative had wrong: the first is kept,
superseded, and the correction carries the next number of the unit's register of 2026.

Each is written as a reviewer writes one: the unit's letterhead (`DocumentProfile`) kept
first, then a draft pre-filled from the rollup (`reports.prefill`), then issued through
`reports.issuing.summary_issue` on the document's date, when its unit was open (a unit that
has closed issues nothing today). A correction is started as the correction's button starts
one (`reports.issuing.summary_correct`), its sentence corrected, and issued the same way.
The rows get the dates they would have had (created, issued, delivered and read on their
January days; the e-mails to the Standing Committee marked sent then, so that loading the
demo sends none). The PDF is rendered here, synchronously,
by the render task's own function (`reports.summary_tasks.render`), and signed with the
demo's test certificate whatever the settings say: a demo document never carries a real
organisation's signature. Only the time in the signature is the time the demo was loaded:
pyHanko signs at the present time.

The test certificate (`demo_certificate`) is made once, with `cryptography`: a self-signed
test CA and an organisation certificate whose name says it is a test and has no legal
value, in a PKCS#12 file with a published passphrase under var/demo-signing/ (git-ignored).
`make run` points SIGNING_PKCS12_PATH at it (.ci/setup.sh), so that the pages of the
running demo check its documents against it and sign the documents issued there with it;
production never reads this directory.

Loading twice issues nothing new: a unit's document of the year that is already issued is
kept, and so is the correction it already has; each is only rendered again if its PDF is
missing or failed.
"""

import datetime
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from campaign.models import Campaign, Notice, Notification
from reports import delivery, issuing, summary_tasks
from reports.models import DocumentProfile, SummaryReceipt, SummaryReport
from reports.prefill import prefill
from reports.rollup import cached_rollup
from units.models import Unit, User

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
S = SummaryReport.Status
RS = SummaryReport.RenderState
Kind = SummaryReport.Kind

# --- the test certificate ------------------------------------------------------------------------
# Published on purpose, as the demo accounts' password is: the certificate is worth nothing.
CERTIFICATE_PASSPHRASE = "chung-thu-thu-nghiem-2026"  # noqa: S105
CERTIFICATE_FILE = "to-chuc-thu-nghiem.p12"
ROOT_FILE = "ca-thu-nghiem.pem"
TEST_NAME = "CHỨNG THƯ THỬ NGHIỆM – không có giá trị pháp lý"
TEST_CA_NAME = "CA THỬ NGHIỆM – không có giá trị pháp lý"
TEST_UNIT_NAME = "Bản trình diễn cổng thông tin – không dùng để ký thật"
# The certificate's organisation: one test certificate signs the documents of Bến Tre (before
# the 2025 merger) and of Vĩnh Long (after it), so it names neither federation.
TEST_ORGANISATION = "Tổ chức thử nghiệm"
# Valid from before the demo's oldest document to long after it is loaded.
VALID_FROM = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
VALID_YEARS = 10


def signing_dir() -> Path:
    """Where the demo keeps its test certificate: DEMO_SIGNING_DIR when set (the tests set
    it), else var/demo-signing/ in the project (git-ignored)."""
    return Path(
        getattr(settings, "DEMO_SIGNING_DIR", "") or settings.BASE_DIR / "var" / "demo-signing"
    )


def demo_certificate(directory: Path | None = None) -> Path:
    """The demo's PKCS#12 file (made the first time): a test organisation certificate named
    TEST_NAME for TEST_ORGANISATION, issued by a self-signed test CA, with its passphrase
    CERTIFICATE_PASSPHRASE; beside it the CA's certificate in PEM. Returns its path."""
    directory = Path(directory or signing_dir())
    path = directory / CERTIFICATE_FILE
    if path.exists():
        return path
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    organisation = TEST_ORGANISATION
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name(TEST_CA_NAME, organisation), ca_key, ca=True)
    # RSA, as the public CAs' signing certificates are: pyHanko marks a document signed
    # with a P-256 key as PDF 2.0 (ISO 32002), which a PDF/A-3 file, on PDF 1.7, is not.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = _certificate(_name(TEST_NAME, organisation), key, issuer=ca, issuer_key=ca_key)
    p12 = pkcs12.serialize_key_and_certificates(
        "Chứng thư thử nghiệm".encode(),
        key,
        cert,
        [ca],
        serialization.BestAvailableEncryption(CERTIFICATE_PASSPHRASE.encode()),
    )
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / ROOT_FILE, ca.public_bytes(serialization.Encoding.PEM))
    _write(path, p12)  # last: its presence says the pair is complete
    return path


def _name(common_name, organisation):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_UNIT_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, key, *, issuer=None, issuer_key=None, ca=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(VALID_FROM, now))
        .not_valid_after(now + datetime.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return builder.sign(issuer_key or key, hashes.SHA256())


def _write(path, data):
    """Write `data` to `path` at once (a reader never sees half a file), readable by the
    owner only."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def signing_with_demo_certificate():
    """The signing settings for the demo's documents: its test certificate, no time-stamp
    server, no images (a context manager)."""
    return override_settings(
        SIGNING_PKCS12_PATH=str(demo_certificate()),
        SIGNING_PKCS12_PASSPHRASE=CERTIFICATE_PASSPHRASE,
        SIGNING_TSA_URL="",
        SIGNING_TRUST_ROOTS="",
        SIGNING_SIGNATURE_IMAGE="",
        SIGNING_SEAL_IMAGE="",
    )


# --- the documents ---------------------------------------------------------------------------
# The letterheads as the offices keep them. The signers' names are invented for the demo
# (units/data/README.md, "Which names are real").
LETTERHEADS = {
    "BT-CT": {
        "parent_body": "LĐLĐ tỉnh Bến Tre",
        "place": "Châu Thành",
        "number_code": "BC-LĐLĐ",
        "signer_block": "TM. Ban Thường vụ",
        "signer_title": "Chủ tịch",
        "signer_name": "Người ký thử nghiệm",
        "recipients": "\n".join(
            [
                "Liên đoàn Lao động tỉnh Bến Tre (Ban CSPL) (để báo cáo);",
                "Thường trực Huyện ủy Châu Thành (để báo cáo);",
                "Ban Dân vận Huyện ủy Châu Thành (để báo cáo);",
                "UBND huyện Châu Thành (để phối hợp);",
                "Các CĐCS trực thuộc;",
                "Lưu: VT.",
            ]
        ),
    },
    "BT": {
        "parent_body": "Tổng LĐLĐ Việt Nam",
        "place": "Bến Tre",
        "number_code": "BC-LĐLĐ",
        "signer_block": "TM. Ban Thường vụ",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "Người ký thử nghiệm",
        "recipients": "\n".join(
            [
                "Tổng LĐLĐ Việt Nam (Ban Chính sách – Pháp luật) (để báo cáo);",
                "Thường trực Tỉnh ủy Bến Tre (để báo cáo);",
                "Ban Dân vận Tỉnh ủy (để báo cáo);",
                "UBND tỉnh Bến Tre (Sở Nội vụ) (để phối hợp);",
                "Thường trực LĐLĐ tỉnh;",
                "Các LĐLĐ huyện, thành phố; CĐ ngành, CĐ Viên chức tỉnh, CĐ các KCN;",
                "Lưu: VT, Ban CSPL.",
            ]
        ),
    },
    # The demo's Vĩnh Long holds only the former Bến Tre's units (units/data/README.md).
    "VL": {
        "parent_body": "Tổng LĐLĐ Việt Nam",
        "place": "Vĩnh Long",
        "number_code": "BC-LĐLĐ",
        "signer_block": "TM. Ban Thường vụ",
        "signer_title": "Phó Chủ tịch",
        "signer_name": "Người ký thử nghiệm",
        "recipients": "\n".join(
            [
                "Tổng LĐLĐ Việt Nam (Ban Chính sách – Pháp luật) (để báo cáo);",
                "Thường trực Tỉnh ủy Vĩnh Long (để báo cáo);",
                "Ban Dân vận Tỉnh ủy (để báo cáo);",
                "UBND tỉnh Vĩnh Long (Sở Nội vụ) (để phối hợp);",
                "Thường trực LĐLĐ tỉnh;",
                "Các công đoàn xã, phường; CĐ các cơ quan Đảng tỉnh, CĐ Cơ quan UBND tỉnh, "
                "CĐ các KCN;",
                "Lưu: VT, Ban CSPL.",
            ]
        ),
    },
}

# The words the offices added to the pre-filled narrative (the figures stay the rollup's).
OPENING = {
    "BT-CT": (
        "Thực hiện Kế hoạch của Ban Thường vụ LĐLĐ tỉnh, năm 2024 Ban Thường vụ LĐLĐ huyện "
        "chỉ đạo các CĐCS trực thuộc lồng ghép tuyên truyền cải cách hành chính trong sinh "
        "hoạt công đoàn, hội nghị cán bộ, công chức, viên chức và các buổi sinh hoạt chuyên đề."
    ),
    "BT": (
        "Năm 2024, Ban Thường vụ LĐLĐ tỉnh tiếp tục chỉ đạo các cấp công đoàn tuyên truyền "
        "cải cách hành chính đến đoàn viên, CNVCLĐ; nội dung gắn với việc thực hiện dân chủ "
        "ở cơ sở và phong trào thi đua của tổ chức công đoàn."
    ),
    # As first issued, with the day of the merger wrong: its correction puts it right
    # (CORRECTED).
    "VL": (
        "Từ ngày 01/8/2025, sau khi sắp xếp tổ chức công đoàn theo mô hình chính quyền địa "
        "phương hai cấp, Ban Thường vụ LĐLĐ tỉnh chỉ đạo các công đoàn xã, phường và CĐCS "
        "trực thuộc tiếp tục tuyên truyền cải cách hành chính đến đoàn viên, CNVCLĐ, gắn với "
        "việc giải quyết thủ tục hành chính ở cấp xã."
    ),
}
SHORTCOMINGS = {
    "BT-CT": (
        "Vẫn còn CĐCS chưa gửi báo cáo năm; việc gửi kế hoạch tuyên truyền của các CĐCS chưa "
        "đầy đủ."
    ),
    "BT": (
        "Một số đơn vị gửi báo cáo trễ hạn hoặc chưa gửi báo cáo; ở một số CĐCS việc tuyên "
        "truyền còn lồng ghép hình thức, số người tham dự chưa nhiều."
    ),
    "VL": (
        "Trong thời gian sắp xếp tổ chức, một số công đoàn xã, phường mới thành lập chưa kịp "
        "gửi kế hoạch và báo cáo năm; việc tuyên truyền ở một số CĐCS còn chưa thường xuyên."
    ),
}
# The offices' own words in place of the units' sentences the draft quotes.
OBSTACLES = {
    "BT-CT": (
        "Vướng mắc:\n"
        "- Một số CĐCS khối trường học tổ chức tuyên truyền vào dịp cuối năm học nên gửi báo "
        "cáo chậm.\n"
        "Kiến nghị, đề xuất:\n"
        "- Đề nghị LĐLĐ tỉnh cung cấp thêm tài liệu tuyên truyền in sẵn cho CĐCS."
    ),
    "BT": (
        "Vướng mắc:\n"
        "- Một số LĐLĐ huyện, thành phố còn thiếu tài liệu tuyên truyền in sẵn để cấp cho "
        "CĐCS.\n"
        "Kiến nghị, đề xuất:\n"
        "- Đề nghị Tổng LĐLĐ Việt Nam tiếp tục biên soạn, cung cấp tài liệu tuyên truyền về "
        "cải cách hành chính phù hợp với đoàn viên, người lao động."
    ),
    "VL": (
        "Vướng mắc:\n"
        "- Cán bộ công đoàn xã, phường mới được phân công, chưa quen việc tổng hợp, báo cáo.\n"
        "Kiến nghị, đề xuất:\n"
        "- Đề nghị Tổng LĐLĐ Việt Nam tổ chức tập huấn nghiệp vụ tuyên truyền cải cách hành "
        "chính cho cán bộ công đoàn cấp xã."
    ),
}


# (unit code, the year it reports on, its document's date, who issued it, created how many
# days before)
DOCUMENTS = [
    ("BT-CT", 2024, datetime.date(2025, 1, 10), "ldld.chauthanh", 3),
    ("BT", 2024, datetime.date(2025, 1, 20), "cspl", 4),
    ("VL", 2025, datetime.date(2026, 1, 20), "cspl", 4),
]
KIND = Kind.COMMITTEE
# The documents corrected since, by unit code: (the correction's date, who corrected and
# issued it, started how many days before).
CORRECTIONS = {
    "VL": (datetime.date(2026, 1, 27), "cspl", 1),
}
# What each correction changes in the general assessment: (the words issued, the words that
# replace them).
CORRECTED = {
    "VL": ("Từ ngày 01/8/2025,", "Từ ngày 01/7/2025,"),
}


def load_demo_summaries(campaign_slug: str = "cchc-2015") -> list[SummaryReport]:
    """Issue the demo's documents and corrections not issued yet and render those without
    their PDF; returns the documents, a corrected one before its correction, each rendered
    and signed (or with the render's failure recorded)."""
    campaign = Campaign.objects.get(slug=campaign_slug)
    summaries = []
    for code, year, day, username, days_before in DOCUMENTS:
        unit = Unit.objects.get(code=code)
        # A document and its correction together: never one without the other.
        with transaction.atomic():
            summary = _issued(campaign, unit, year)
            if summary is None:
                reviewer = User.objects.get(username=username)
                summary = _issue(campaign, unit, year, day, reviewer, days_before)
            summaries.append(summary)
            if code in CORRECTIONS:
                correction = SummaryReport.objects.filter(supersedes=summary).first()
                if correction is None:
                    correction = _correct(summary, *CORRECTIONS[code])
                summaries.append(correction)
    for summary in summaries:
        if summary.render_state != RS.DONE or not summary.pdf:
            _render(summary)
            summary.refresh_from_db()
    return summaries


def _issued(campaign, unit, year):
    return (
        SummaryReport.objects.filter(campaign=campaign, year=year, unit=unit, kind=KIND)
        .exclude(status=S.DRAFT)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def _issue(campaign, unit, year, day, reviewer, days_before):
    """Keep the letterhead, write the draft and issue it as `reviewer` did on `day`."""
    DocumentProfile.objects.get_or_create(unit=unit, kind=KIND, defaults=LETTERHEADS[unit.code])
    created = _at(day - datetime.timedelta(days=days_before), 8)
    draft = SummaryReport(
        campaign=campaign,
        year=year,
        unit=unit,
        kind=KIND,
        include=SummaryReport.Include.ACCEPTED,
        dated_on=day,
        created_by=reviewer,
        created_at=created,
    )
    prefill(draft, cached_rollup(campaign, year, unit, draft.include))
    draft.general_assessment = f"{OPENING[unit.code]}\n{draft.general_assessment}"
    draft.shortcomings = f"{SHORTCOMINGS[unit.code]}\n{draft.shortcomings}"
    draft.obstacles_proposals = OBSTACLES[unit.code]
    draft.save()
    # Issued on its date: Bến Tre's units have closed since, and a closed unit issues nothing.
    summary = issuing.summary_issue(summary=draft, user=reviewer, issued_on=day)
    return _dated(summary, day)


@transaction.atomic
def _correct(summary, day, reviewer, days_before):
    """Start the correction of the issued `summary` as `reviewer` did, correct its sentence
    and issue it on `day`."""
    reviewer = User.objects.get(username=reviewer)
    correction = issuing.summary_correct(summary=summary, user=reviewer, day=day)
    wrong, right = CORRECTED[summary.unit.code]
    correction.general_assessment = correction.general_assessment.replace(wrong, right)
    correction.created_at = _at(day - datetime.timedelta(days=days_before), 8)
    correction.save()
    correction = issuing.summary_issue(summary=correction, user=reviewer, issued_on=day)
    return _dated(correction, day)


def _dated(summary, day):
    """Give the just issued `summary` the times it had when issued on `day`, and return it."""
    issued = _at(day, 15)
    # The demo renders the PDF itself, below: the render queued at the commit finds nothing
    # to claim and leaves it.
    SummaryReport.objects.filter(pk=summary.pk).update(
        issued_at=issued,
        updated_at=issued,
        render_state=RS.NONE,
        render_started_at=None,
    )
    # Delivered then, and read the next morning; the e-mails went out then.
    SummaryReceipt.objects.filter(summary=summary).update(
        delivered_at=issued, read_at=issued + datetime.timedelta(hours=18)
    )
    Notification.objects.filter(key__startswith=f"summary-{summary.pk}-user-").update(
        created_at=issued, sent_at=issued + datetime.timedelta(minutes=1)
    )
    Notice.objects.filter(key=delivery.notice_key(summary)).update(
        created_at=issued, read_at=issued + datetime.timedelta(hours=18)
    )
    summary.refresh_from_db()
    return summary


def _render(summary):
    """Render and sign `summary`'s PDF now, by the render task's function, with the demo's
    certificate."""
    SummaryReport.objects.filter(pk=summary.pk).update(
        render_state=RS.QUEUED, render_error="", render_started_at=None
    )
    with signing_with_demo_certificate():
        return summary_tasks.render(summary.pk)


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)
