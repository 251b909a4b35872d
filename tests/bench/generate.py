"""Generate a benchmark database for the CSPL dashboard.

    python -m tests.bench.generate --scale province|national \
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_<scale>

Drops and recreates the database, runs the migrations, then fills it with COPY (not the
ORM): a federation tree, ten years of annual reports with their indicator values, plans
with activities, reminders and obstacles. Only the campaign (from the shipped JSON), the
periods, two users and their memberships go through the ORM.

- province: one provincial federation (Bến Tre, ≈2,000 units: 9 district federations,
  sector unions, the civil-servants and industrial-zone unions, grassroots unions below).
- national: a root "Tổng LĐLĐ Việt Nam" (kind province) over 63 provincial federations of
  realistic, uneven sizes (TP Hồ Chí Minh ≈10,000 units … small provinces ≈900), ≈130,000
  units in all, ≈1.1 M annual reports and ≈7.8 M indicator values.

Every addressed unit-year draws its annual report: ≈70 % accepted, 10 % submitted, 5 %
returned, 5 % draft, 10 % no report. First submissions fall around the due date (≈15 % after
it, a few exactly on either side of midnight at the end of the due day, Asia/Ho_Chi_Minh).
A few grassroots unions open or close during the ten years (some with a successor), so
units closed before a cut-off are not expected but may still hold a report; all of it before
the national reorganisation of 1 July 2025 (common.REORGANISATION_DAY), which
tests.bench.reorganisation records on a copy. Every unit has its eras (UnitState) as the
portal writes them: open from its opening until its closing, then a closed era from its
closing day. A report holds
its unit's own figures; the computed indicator (grassroots unions with their own plan) is
counted from the plans, never typed; ≈3 % of the sent reports carry a plausibility flag
with its explanation. The loads run without the figure stamps' triggers, which would fire
once per copied row, and stamp what was loaded at the end. The data is deterministic for a
given scale and seed.
"""

import argparse
import array
import datetime
import io
import random
import sys
import time
from zoneinfo import ZoneInfo

import psycopg2

from tests.bench import common

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
DAY = 86400

# Outcome of a unit-year.
MISSING, DRAFT, SUBMITTED, RETURNED, ACCEPTED = range(5)
STATUS_NAME = {DRAFT: "draft", SUBMITTED: "submitted", RETURNED: "returned", ACCEPTED: "accepted"}
# Cumulative shares: 10 % missing, 5 % draft, 10 % submitted, 5 % returned, 70 % accepted.
STATUS_CUTS = ((0.10, MISSING), (0.15, DRAFT), (0.25, SUBMITTED), (0.30, RETURNED))
PLAN_CUTS = ((0.10, "draft"), (0.14, "returned"), (0.20, "submitted"))  # else accepted

# The tables filled in the bulk transaction (their keys and indexes are dropped around it).
BULK_TABLES = (
    "campaign_plan",
    "campaign_activity",
    "campaign_activity_themes",
    "reports_annualreport",
    "reports_indicatorvalue",
    "reports_reminder",
    "reports_obstacle",
    "campaign_step",
    "reports_inspection",
)

PROVINCES = [
    "Hà Nội", "TP Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "An Giang",
    "Bà Rịa – Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định",
    "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]  # fmt: skip
CITIES = {"Hà Nội", "TP Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
# Units in each big province's subtree; the others share the rest of the national total.
BIG_PROVINCES = {
    "TP Hồ Chí Minh": 10_000,
    "Hà Nội": 8_500,
    "Bình Dương": 5_000,
    "Đồng Nai": 4_000,
    "Hải Phòng": 2_900,
    "Bắc Ninh": 2_700,
    "Long An": 2_500,
    "Bến Tre": 2_069,  # the subtree NOTES.md measured
}
INDUSTRIAL = {"TP Hồ Chí Minh", "Hà Nội", "Bình Dương", "Đồng Nai", "Bắc Ninh", "Long An"}
NATIONAL_UNITS = 130_000
SECOND_MEMBERSHIP = {"province": "district", "national": "province"}
DEFAULT_SEED = {"province": 2069, "national": 130_000}
PROVINCE_UNITS = 2_069

BENTRE_DISTRICTS = [
    ("TPBT", "thành phố Bến Tre", "TP Bến Tre"),
    ("CT", "huyện Châu Thành", "Châu Thành"),
    ("CL", "huyện Chợ Lách", "Chợ Lách"),
    ("MCN", "huyện Mỏ Cày Nam", "Mỏ Cày Nam"),
    ("MCB", "huyện Mỏ Cày Bắc", "Mỏ Cày Bắc"),
    ("GT", "huyện Giồng Trôm", "Giồng Trôm"),
    ("BD", "huyện Bình Đại", "Bình Đại"),
    ("BTR", "huyện Ba Tri", "Ba Tri"),
    ("TP", "huyện Thạnh Phú", "Thạnh Phú"),
]
SECTORS = [
    ("GD", "Giáo dục"),
    ("YT", "Y tế"),
    ("CTH", "Công Thương"),
    ("NN", "Nông nghiệp và Phát triển nông thôn"),
    ("GTVT", "Giao thông vận tải"),
    ("XD", "Xây dựng"),
    ("TC", "Tài chính"),
    ("NH", "Ngân hàng"),
    ("DL", "Điện lực"),
    ("BD", "Bưu điện"),
    ("VH", "Văn hóa, Thể thao và Du lịch"),
    ("TNMT", "Tài nguyên và Môi trường"),
    ("CS", "Cao su"),
    ("DM", "Dệt may"),
]
PLACES = [
    "An Bình", "Tân Phú", "Phước Long", "Hòa Lợi", "Thạnh Mỹ", "Vĩnh Hòa", "Long Hưng",
    "Mỹ Thạnh", "Bình Thành", "An Hiệp", "Phú Túc", "Tân Thạch", "Hưng Phong", "Lương Quới",
    "Sơn Định", "Định Thủy", "Thới Lai", "Bảo Thạnh", "An Thủy", "Giao Long",
]  # fmt: skip
COMPANIES = [
    "May mặc Phú Thịnh", "Chế biến dừa Lương Quới", "Thủy sản Hải Vương", "Giày da Tân Phát",
    "Điện tử Hoàng Long", "Cơ khí Phước Thành", "Bao bì Việt Hưng", "Thực phẩm An Khang",
    "Gỗ nội thất Minh Phát", "Dược phẩm Trường Sinh",
]  # fmt: skip
GRASSROOTS = [
    ("Trường Tiểu học {p}", "TH {p}", "place"),
    ("Trường Trung học cơ sở {p}", "THCS {p}", "place"),
    ("Trường Mầm non {p}", "MN {p}", "place"),
    ("Ủy ban nhân dân xã {p}", "UBND xã {p}", "place"),
    ("Trạm Y tế xã {p}", "TYT {p}", "place"),
    ("Công ty TNHH {p}", "Cty {p}", "company"),
    ("Công ty Cổ phần {p}", "CTCP {p}", "company"),
]

# Own figures by kind: (low, span) per typed whole-number indicator code. A report holds
# what its unit did itself (README.md, "The dashboard"), so an upper unit's figures
# are of the same order as a grassroots union's, not its area's total. The computed
# `grassroots_plans` is never typed: the portal counts it from the plans.
FIGURES = {
    "grassroots": {
        "sessions": (1, 12),
        "participants": (15, 400),
        "documents": (5, 300),
        "news_items": (0, 12),
        "initiatives": (0, 3),
        "members_commended": (0, 15),
    },
    "upper": {
        "sessions": (2, 20),
        "participants": (60, 1500),
        "documents": (20, 1500),
        "news_items": (2, 30),
        "initiatives": (0, 5),
        "members_commended": (0, 30),
    },
}
# A sent report whose figures the campaign's plausibility rules flagged, with the officer's
# explanation (campaign.plausibility): ≈3 % of them.
FLAGGED_SHARE = 0.03
FLAG_NOTE = "Năm nay đơn vị tổ chức hội nghị lớn cho toàn thể đoàn viên."
OTHER_FORMS = [
    "Pa-nô, áp phích tại trụ sở",
    "Loa truyền thanh, bản tin nội bộ",
    "Nhóm Zalo của công đoàn cơ sở",
    "Sân khấu hóa, hội thi tìm hiểu",
    "",
]
RESULTS = [
    "Tổ chức quán triệt kế hoạch đến toàn thể đoàn viên; lồng ghép tuyên truyền CCHC vào "
    "sinh hoạt công đoàn định kỳ.",
    "Phối hợp với chuyên môn tổ chức hội nghị tuyên truyền; phát hành tài liệu hỏi đáp về "
    "thủ tục hành chính.",
    "Tuyên truyền qua bản tin, mạng xã hội và hệ thống loa; đoàn viên hưởng ứng tích cực.",
]
SHORTCOMINGS = ["", "Một số đơn vị triển khai chậm.", "Hình thức tuyên truyền chưa đa dạng."]
PROPOSALS = ["", "Đề nghị cung cấp thêm tài liệu tuyên truyền."]
ASSESSMENTS = (("good", 0.45), ("fair", 0.80), ("average", 0.95))  # else weak
METHODS = [
    "conference", "seminar", "newsletter", "banner", "loudspeaker", "social_media",
    "contest", "union_meeting", "other",
]  # fmt: skip
REMINDER_STEPS = (
    ("before-7", -7),
    ("before-3", -3),
    ("due", 0),
    *((f"late-{w}", 7 * w) for w in range(1, 5)),
)


def log(message, started=None):
    suffix = f" ({time.perf_counter() - started:.1f} s)" if started is not None else ""
    print(f"  {message}{suffix}", flush=True)


# --- the tree -----------------------------------------------------------------------------------
class Node:
    __slots__ = (
        "closed",
        "code",
        "depth",
        "id",
        "kind",
        "name",
        "numchild",
        "opened",
        "path",
        "short",
        "successor",
    )

    def __init__(self, node_id, path, depth, code, name, short, kind):
        self.id = node_id
        self.path = path
        self.depth = depth
        self.numchild = 0
        self.code = code
        self.name = name
        self.short = short
        self.kind = kind
        self.opened = None
        self.closed = None
        self.successor = None


class Tree:
    """Units in creation order, with treebeard materialised paths computed here."""

    def __init__(self, steplen, alphabet):
        self.steplen = steplen
        self.alphabet = alphabet
        self.nodes = []
        self.roots = 0

    def step(self, position):
        base = len(self.alphabet)
        digits = []
        while position:
            position, rest = divmod(position, base)
            digits.append(self.alphabet[rest])
        key = "".join(reversed(digits))
        if len(key) > self.steplen:
            raise ValueError("too many siblings for the path's step length")
        return self.alphabet[0] * (self.steplen - len(key)) + key

    def add(self, parent, code, name, short, kind):
        if parent is None:
            self.roots += 1
            path, depth = self.step(self.roots), 1
        else:
            parent.numchild += 1
            path, depth = parent.path + self.step(parent.numchild), parent.depth + 1
        node = Node(len(self.nodes) + 1, path, depth, code, name, short, kind)
        self.nodes.append(node)
        return node


def split(total, weights):
    """`total` split in proportion to `weights`, in integers that add up to `total`."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def grassroots_under(tree, parent, count, rng, prefix):
    """`count` grassroots unions under `parent`, named like real ones."""
    for k in range(1, count + 1):
        full, short, pool = rng.choice(GRASSROOTS)
        word = rng.choice(PLACES if pool == "place" else COMPANIES)
        if k > len(PLACES):
            word = f"{word} {k}"
        tree.add(
            parent,
            f"{prefix}-{k:04d}",
            "Công đoàn cơ sở " + full.format(p=word),
            "CĐCS " + short.format(p=word),
            "grassroots",
        )


def build_province(tree, parent, name, code, size, rng, districts=None, sectors=None, kcn=None):
    """A provincial federation of exactly `size` units (itself included)."""
    title = f"thành phố {name}" if name in CITIES else f"tỉnh {name}"
    province = tree.add(parent, code, f"Liên đoàn Lao động {title}", f"LĐLĐ {name}", "province")
    if districts is None:
        n = min(30, max(6, round(size / 230)))
        districts = [(f"D{i:02d}", f"quận/huyện số {i}", f"Q/H {i}") for i in range(1, n + 1)]
    n_sectors = sectors or min(14, max(3, round(size / 280)))
    if kcn is None:
        kcn = 2 if size > 4000 else (0 if rng.random() < 0.15 else 1)
    with_sector = set(rng.sample(range(len(districts)), round(0.3 * len(districts))))
    fixed = 1 + len(districts) + n_sectors + 1 + kcn + len(with_sector)
    grassroots = size - fixed
    kcn_share = (0.18 if name in INDUSTRIAL else 0.05) * kcn
    direct, to_kcn, to_civil, to_sectors, to_districts = split(
        grassroots, [0.03, kcn_share, 0.06, 0.14, 0.77 - kcn_share]
    )

    district_nodes = []
    for suffix, district, short in districts:
        node = tree.add(
            province,
            f"{code}-{suffix}",
            f"Liên đoàn Lao động {district}",
            f"LĐLĐ {short}",
            "district",
        )
        district_nodes.append(node)
    sector_nodes = []
    for suffix, sector in SECTORS[:n_sectors]:
        sector_nodes.append(
            tree.add(
                province,
                f"{code}-{suffix}",
                f"Công đoàn ngành {sector} {title}",
                f"CĐ ngành {sector}",
                "sector",
            )
        )
    civil = tree.add(
        province, f"{code}-VC", f"Công đoàn Viên chức {title}", "CĐ Viên chức", "civil_servants"
    )
    kcn_nodes = [
        tree.add(
            province,
            f"{code}-KCN{i}",
            f"Công đoàn các Khu công nghiệp {title}" + (f" – khu {i}" if kcn > 1 else ""),
            "CĐ các KCN" + (f" {i}" if kcn > 1 else ""),
            "industrial_zone",
        )
        for i in range(1, kcn + 1)
    ]
    grassroots_under(tree, province, direct, rng, f"{code}-TT")
    for node, count in zip(
        kcn_nodes, split(to_kcn, [1] * len(kcn_nodes)) if kcn_nodes else [], strict=True
    ):
        grassroots_under(tree, node, count, rng, node.code)
    grassroots_under(tree, civil, to_civil, rng, civil.code)
    for node, count in zip(
        sector_nodes, split(to_sectors, [rng.uniform(0.5, 1.5) for _ in sector_nodes]), strict=True
    ):
        grassroots_under(tree, node, count, rng, node.code)
    weights = [rng.uniform(0.6, 1.4) for _ in district_nodes]
    for index, (node, count) in enumerate(
        zip(district_nodes, split(to_districts, weights), strict=True)
    ):
        if index in with_sector:
            # A district-level sector union (education) between the district and its schools.
            sub = tree.add(
                node,
                f"{node.code}-GD",
                f"Công đoàn ngành Giáo dục {node.name.removeprefix('Liên đoàn Lao động ')}",
                f"CĐ Giáo dục {node.short.removeprefix('LĐLĐ ')}",
                "sector",
            )
            below_sub = round(count * 0.35)
            grassroots_under(tree, sub, below_sub, rng, sub.code)
            grassroots_under(tree, node, count - below_sub, rng, node.code)
        else:
            grassroots_under(tree, node, count, rng, node.code)
    return province


def build_tree(scale, steplen, alphabet, rng):
    tree = Tree(steplen, alphabet)
    bentre = {
        "districts": [(s, d, short) for s, d, short in BENTRE_DISTRICTS],
        "sectors": 4,
        "kcn": 1,
    }
    if scale == "province":
        build_province(tree, None, "Bến Tre", common.BENTRE_CODE, PROVINCE_UNITS, rng, **bentre)
    else:
        assert len(PROVINCES) == 63, len(PROVINCES)
        root = tree.add(
            None,
            common.NATIONAL_ROOT_CODE,
            "Tổng Liên đoàn Lao động Việt Nam",
            "Tổng LĐLĐ Việt Nam",
            "province",
        )
        others = [p for p in PROVINCES if p not in BIG_PROVINCES]
        rest = NATIONAL_UNITS - 1 - sum(BIG_PROVINCES.values())
        sizes = dict(
            zip(others, split(rest, [rng.uniform(0.55, 1.45) for _ in others]), strict=True)
        )
        sizes.update(BIG_PROVINCES)
        for index, name in enumerate(PROVINCES, start=1):
            if name == "Bến Tre":
                build_province(tree, root, name, common.BENTRE_CODE, sizes[name], rng, **bentre)
            else:
                build_province(tree, root, name, f"P{index:02d}", sizes[name], rng)
    open_and_close(tree, rng)
    return tree


def open_and_close(tree, rng):
    """A few grassroots unions open during the ten years, a few close (some merged), all
    before the national reorganisation: the portal records changes in date order, so a
    unit opened or closed after it would make the reorganisation be refused."""
    first = datetime.date(common.FIRST_YEAR, 3, 1).toordinal()
    last_open = last_close = common.REORGANISATION_DAY.toordinal() - 1
    previous = {}
    for node in tree.nodes:
        if node.kind != "grassroots":
            continue
        parent = node.path[: -tree.steplen]
        if rng.random() < 0.08:
            node.opened = datetime.date.fromordinal(rng.randint(first, last_open))
        if rng.random() < 0.025:
            start = max(first, node.opened.toordinal() if node.opened else first) + 180
            if start <= last_close:
                node.closed = datetime.date.fromordinal(rng.randint(start, last_close))
                sibling = previous.get(parent)
                if sibling is not None and rng.random() < 0.5:
                    node.successor = sibling.id
        if node.closed is None:
            previous[parent] = node


# --- COPY ---------------------------------------------------------------------------------------
class ChunkReader(io.RawIOBase):
    """A file whose read() returns the next chunk of a generator of str, encoded."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self.bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        for chunk in self._chunks:
            if chunk:
                data = chunk.encode()
                self.bytes += len(data)
                return data
        return b""


def copy(cursor, table, columns, chunks, freeze=True):
    started = time.perf_counter()
    reader = ChunkReader(chunks)
    options = "FORMAT text, FREEZE true" if freeze else "FORMAT text"
    cursor.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH ({options})", reader, size=1 << 20
    )
    log(f"COPY {table}: {cursor.rowcount:,} rows, {reader.bytes / 1e6:,.0f} MB", started=started)
    return cursor.rowcount


def batched(lines, size=20_000):
    """Join an iterator of lines into chunks of `size` lines."""
    buffer = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= size:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def text(value):
    if value is None:
        return "\\N"
    value = str(value)
    if any(c in value for c in "\t\n\r\\"):
        raise ValueError(f"unexpected control character in {value!r}")
    return value


def stamp(epoch):
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(epoch))


# --- the steps ----------------------------------------------------------------------------------
def create_database(url):
    name = common.database_name(url)
    if not name.startswith("portal_bench"):
        sys.exit(f"Refusing to drop and recreate {name!r}: its name must start with portal_bench.")
    conn = psycopg2.connect(common.server_url(url))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def load_units(conn, tree):
    rows = (
        "\t".join(
            (
                str(n.id),
                n.path,
                str(n.depth),
                str(n.numchild),
                text(n.code),
                text(n.name),
                text(n.short),
                n.kind,
                n.opened.isoformat() if n.opened else "\\N",
                n.closed.isoformat() if n.closed else "\\N",
                str(n.successor) if n.successor else "\\N",
            )
        )
        + "\n"
        for n in tree.nodes
    )
    with conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(NO_TRIGGERS)
        # Truncating in the same transaction lets COPY write the rows frozen. Every table
        # that refers to units is still empty right after the migrations.
        cursor.execute("TRUNCATE units_unit CASCADE")
        copy(
            cursor,
            "units_unit",
            (
                "id",
                "path",
                "depth",
                "numchild",
                "code",
                "name",
                "short_name",
                "kind",
                "opened_on",
                "closed_on",
                "successor_id",
            ),
            batched(rows),
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('units_unit', 'id'), "
            "(SELECT max(id) FROM units_unit))"
        )
        # The eras, as UnitState.objects.start writes them for a new unit (and migrations
        # units.0003 and 0005 for existing ones; the truncate above emptied them with the
        # units): an open era from its opening (or 1900) until its closing, then, for a
        # closed unit, a closed era from its closing day on, where it stands.
        cursor.execute(
            """
            INSERT INTO units_unitstate
                (unit_id, valid_from, valid_until, is_open, parent_id, path, depth, kind, name,
                 short_name)
            SELECT u.id, e.valid_from, e.valid_until, e.is_open, p.id, u.path, u.depth, u.kind,
                   u.name, u.short_name
            FROM units_unit u
            CROSS JOIN LATERAL (
                SELECT COALESCE(u.opened_on, DATE '1900-01-01'), u.closed_on, true
                WHERE u.closed_on IS NULL
                   OR u.closed_on > COALESCE(u.opened_on, DATE '1900-01-01')
                UNION ALL
                SELECT u.closed_on, NULL, false WHERE u.closed_on IS NOT NULL
            ) AS e (valid_from, valid_until, is_open)
            LEFT JOIN units_unit p
                ON u.depth > 1 AND p.path = substr(u.path, 1, length(u.path) - 4)
            """
        )
    conn.commit()


def orm_objects(tree, scale):
    """The campaign from the shipped JSON (issued by the root), its periods, two users."""
    import json

    from campaign.models import Indicator, Period, Theme
    from campaign.seed import DEFAULT_CAMPAIGN, load_campaign
    from units.models import Membership, Unit, User

    data = json.loads(DEFAULT_CAMPAIGN.read_text(encoding="utf-8"))
    data["issuer_code"] = tree.nodes[0].code
    # The generated history starts with FIRST_YEAR; every kind but province files.
    data["first_year"] = common.FIRST_YEAR
    data["issued_on"] = f"{common.FIRST_YEAR}-06-15"
    data["plan_due_on"] = f"{common.FIRST_YEAR}-07-31"
    data["addressed_kinds"] = [k for k in Unit.Kind.values if k != Unit.Kind.PROVINCE]
    campaign, _created = load_campaign(data)
    periods = {
        year: Period.objects.for_year(campaign, year)
        for year in range(common.FIRST_YEAR, common.LAST_YEAR + 1)
    }
    # (pk, code, kind) of what units type: the computed indicator (the grassroots unions'
    # plans, counted by the portal) has no value of its own in any report.
    indicators = [
        (i.pk, i.code, i.kind)
        for i in Indicator.objects.filter(campaign=campaign).order_by("order", "code")
        if not i.is_computed(campaign.addressed_kinds)
    ]
    if len(indicators) == Indicator.objects.filter(campaign=campaign).count():
        raise SystemExit("The shipped campaign has no computed indicator: update the generator.")
    themes = list(Theme.objects.filter(campaign=campaign).values_list("pk", flat=True))

    root = Unit.objects.get(code=tree.nodes[0].code)
    if scale == "national":
        second = Unit.objects.get(code=common.BENTRE_CODE)
    else:
        second = Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("path").first()
    reviewer = User.objects.create_user(
        common.REVIEWER_USERNAME,
        password=common.REVIEWER_PASSWORD,
        full_name="Người đánh giá (benchmark)",
        email="bench-reviewer@example.invalid",
    )
    Membership.objects.create(user=reviewer, unit=root, role=Membership.Role.REVIEWER)
    Membership.objects.create(user=reviewer, unit=second, role=Membership.Role.REVIEWER)
    officer = User.objects.create_user(
        common.OFFICER_USERNAME,
        password=None,
        full_name="Cán bộ công đoàn (benchmark)",
        email="bench-officer@example.invalid",
    )
    first_grassroots = Unit.objects.filter(kind=Unit.Kind.GRASSROOTS).order_by("path").first()
    Membership.objects.create(user=officer, unit=first_grassroots, role=Membership.Role.OFFICER)
    return campaign, periods, indicators, themes, reviewer.pk, officer.pk


class Outcomes:
    """What happened to every (addressed unit, year) the unit was alive in, as arrays."""

    def __init__(self):
        self.unit = array.array("i")  # index into tree.nodes
        self.year = array.array("h")
        self.status = array.array("b")
        self.report = array.array("i")  # report id, 0 when there is no report
        self.first = array.array("q")  # first submission (epoch), -1 when none
        self.expected = array.array("b")  # open at the period's cut-off

    def __len__(self):
        return len(self.unit)


def draw_outcomes(tree, periods, addressed, rng):
    """Year by year, the units in a random order: the order in which reports arrive, so a
    year's reports sit together on disk but a subtree's are spread over its year."""
    out = Outcomes()
    report_id = 0
    filing = [index for index, node in enumerate(tree.nodes) if node.kind in addressed]
    for year, period in periods.items():
        rng.shuffle(filing)
        for index in filing:
            node = tree.nodes[index]
            if node.opened and node.opened > period.ends_on:
                continue
            if node.closed and node.closed <= period.starts_on:
                continue
            expected = node.closed is None or node.closed > period.ends_on
            r = rng.random()
            status = ACCEPTED
            for cut, value in STATUS_CUTS:
                if r < cut:
                    status = value
                    break
            first = -1
            if status in (SUBMITTED, RETURNED, ACCEPTED):
                due_end = period.due_end
                x = rng.random()
                if status == ACCEPTED and x < 0.0005:
                    first = -1  # imported from paper: accepted, never submitted online
                elif x < 0.003:
                    first = due_end - 1  # 23:59:59 on the due day: on time
                elif x < 0.006:
                    first = due_end  # 00:00:00 the day after: late
                elif x < 0.85:
                    first = due_end - 60 - int(rng.random() * 30 * DAY)
                else:
                    first = due_end + int(rng.random() * 45 * DAY)
            rid = 0
            if status != MISSING:
                report_id += 1
                rid = report_id
            out.unit.append(index)
            out.year.append(year)
            out.status.append(status)
            out.report.append(rid)
            out.first.append(first)
            out.expected.append(1 if expected else 0)
    return out


def report_rows(tree, out, periods, campaign_id, rng, sent):
    """`sent` collects (id, status, first submission, last submission) of the reports sent
    online, for their workflow steps."""
    for k in range(len(out)):
        rid = out.report[k]
        if not rid:
            continue
        period = periods[out.year[k]]
        status = out.status[k]
        first = out.first[k]
        anchor = first if first > 0 else period.due_end - int(rng.random() * 20 * DAY)
        created = anchor - DAY - int(rng.random() * 20 * DAY)
        submitted = "\\N"
        version = 1 + int(rng.random() * 3)
        if first > 0:
            last = first + (int(rng.random() * 10 * DAY) if rng.random() < 0.1 else 0)
            submitted = stamp(last)
            updated = last + int(rng.random() * 15 * DAY)
            version += 1
            sent.append((rid, STATUS_NAME[status], first, last))
        else:
            updated = created + int(rng.random() * 5 * DAY)
        x = rng.random()
        grade = next((g for g, cut in ASSESSMENTS if x < cut), "weak")
        first_text = stamp(first) if first > 0 else "\\N"
        flags, note = "[]", ""
        if status != DRAFT and rng.random() < FLAGGED_SHARE:
            value = 800 + int(rng.random() * 2000)
            flags = (
                f'[{{"rule": "jump", "indicator": "participants", "value": {value}, '
                f'"last": {value // 8}, "factor": 5}}]'
            )
            note = FLAG_NOTE
        yield (
            f"{rid}\t{STATUS_NAME[status]}\t{version}\t{stamp(created)}\t{stamp(updated)}\t"
            f"{submitted}\t{first_text}\t\\N\t{out.year[k]}\t"
            f"{rng.choice(RESULTS)}\t{rng.choice(SHORTCOMINGS)}\t\t{rng.choice(PROPOSALS)}\t"
            f"{grade}\t{campaign_id}\t{tree.nodes[out.unit[k]].id}\t{period.pk}\t{flags}\t{note}\n"
        )


def value_chunks(tree, out, indicators, rng):
    """Seven values per report: the six typed integers (some left empty in drafts) and one
    text."""
    integer = [(pk, code) for pk, code, kind in indicators if kind == "integer"]
    text_ids = [pk for pk, _code, kind in indicators if kind != "integer"]
    ranges = {
        group: [(pk, code, *FIGURES[group].get(code, (0, 0))) for pk, code in integer]
        for group in FIGURES
    }
    random_ = rng.random
    value_id = 0
    buffer = []
    for k in range(len(out)):
        rid = out.report[k]
        if not rid:
            continue
        node = tree.nodes[out.unit[k]]
        group = "grassroots" if node.kind == "grassroots" else "upper"
        draft = out.status[k] == DRAFT
        for pk, _code, low, span in ranges[group]:
            value_id += 1
            value = "\\N" if draft and random_() < 0.3 else low + int(random_() * (span + 1))
            buffer.append(f"{value_id}\t{value}\t\t{pk}\t{rid}\n")
        for pk in text_ids:
            value_id += 1
            buffer.append(f"{value_id}\t\\N\t{OTHER_FORMS[int(random_() * 5)]}\t{pk}\t{rid}\n")
        if len(buffer) >= 40_000:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def plan_rows(tree, addressed, campaign_id, plan_due, rng, plans, plans_sent):
    """One plan for ≈90 % of the addressed units; `plans` collects (id, status) for activities,
    `plans_sent` (id, status, first submission, last submission) for the steps."""
    due = int(datetime.datetime.combine(plan_due, datetime.time(17), LOCAL).timestamp())
    plan_id = 0
    for node in tree.nodes:
        if node.kind not in addressed or rng.random() < 0.10:
            continue
        plan_id += 1
        r = rng.random()
        status = next((name for cut, name in PLAN_CUTS if r < cut), "accepted")
        start = due
        if node.opened and node.opened > plan_due:
            start = (
                int(datetime.datetime.combine(node.opened, datetime.time(9), LOCAL).timestamp())
                + 60 * DAY
            )
        created = start - int(rng.random() * 40 * DAY)
        first = "\\N"
        submitted = "\\N"
        if status != "draft":
            when = start - 30 * DAY + int(rng.random() * 60 * DAY)
            first = submitted = stamp(when)
            updated = when + int(rng.random() * 20 * DAY)
        else:
            updated = created + int(rng.random() * 10 * DAY)
        doc_date = datetime.datetime.fromtimestamp(created, LOCAL).date().isoformat()
        plans.append((plan_id, status))
        if status != "draft":
            plans_sent.append((plan_id, status, when, when))
        yield (
            f"{plan_id}\t{status}\t{1 + int(rng.random() * 3)}\t{stamp(created)}\t"
            f"{stamp(updated)}\t{submitted}\t{plan_id}/KH-CĐ\t{doc_date}\t"
            f"Chủ tịch công đoàn\tKế hoạch tuyên truyền CCHC của {text(node.short)}.\t"
            f"{campaign_id}\t{node.id}\t{first}\t\\N\n"
        )


def activity_rows(plans, themes, rng, links):
    activity_id = 0
    for plan_id, _status in plans:
        for _ in range(1 + int(rng.random() * 3)):
            activity_id += 1
            if rng.random() < 0.6:
                when = f"\\N\t{1 + int(rng.random() * 4)}"
            else:
                day = datetime.date(common.FIRST_YEAR, 8, 1) + datetime.timedelta(
                    days=int(rng.random() * 140)
                )
                when = f"{day.isoformat()}\t\\N"
            participants = 20 + int(rng.random() * 300)
            links.append((activity_id, rng.sample(themes, 1 + int(rng.random() * 3))))
            yield (
                f"{activity_id}\t{rng.choice(METHODS)}\tĐoàn viên, CNVCLĐ\t{when}\t"
                f"{participants}\t{plan_id}\n"
            )


def activity_theme_rows(links):
    link_id = 0
    for activity_id, theme_ids in links:
        for theme_id in theme_ids:
            link_id += 1
            yield f"{link_id}\t{activity_id}\t{theme_id}\n"


def reminder_rows(tree, out, periods, campaign_id, reviewer_id, rng):
    """The daily task's steps for each expected unit-year not submitted by the step's day,
    plus a few reminders sent by hand to late units."""
    reminder_id = 0
    for k in range(len(out)):
        if not out.expected[k]:
            continue
        period = periods[out.year[k]]
        first = out.first[k]
        status = out.status[k]
        never = status in (MISSING, DRAFT) or first < 0
        unit_id = tree.nodes[out.unit[k]].id
        for step, offset in REMINDER_STEPS:
            sent = period.due_7am + offset * DAY
            if never or first > sent:
                reminder_id += 1
                yield (
                    f"{reminder_id}\treport\t{out.year[k]}\t{step}\t{period.due_on}\tf\t"
                    f"{stamp(sent)}\t{1 + int(rng.random() * 2)}\t{campaign_id}\t\\N\t{unit_id}\n"
                )
        if never and rng.random() < 0.05:
            reminder_id += 1
            sent = period.due_7am + int(10 * DAY + rng.random() * 15 * DAY)
            yield (
                f"{reminder_id}\treport\t{out.year[k]}\tmanual\t{period.due_on}\tt\t"
                f"{stamp(sent)}\t1\t{campaign_id}\t{reviewer_id}\t{unit_id}\n"
            )


def obstacle_rows(tree, out, periods, campaign_id, officer_id, reviewer_id, rng):
    obstacle_id = 0
    for k in range(len(out)):
        if rng.random() >= 0.015:
            continue
        year = out.year[k]
        period = periods[year]
        raised = period.start_epoch + int(rng.random() * 340 * DAY)
        raised_on = datetime.datetime.fromtimestamp(raised, LOCAL).date()
        answer_by = raised_on + datetime.timedelta(days=14)
        r = rng.random()
        if year == common.LAST_YEAR and r < 0.3:
            status, answer, answered_at, answered_by, closed_at = "open", "", "\\N", "\\N", "\\N"
        else:
            status = "answered" if r < 0.6 else "closed"
            answered = raised + int(rng.random() * 20 * DAY)
            answer = "Đã hướng dẫn đơn vị thực hiện theo quy định."
            answered_at, answered_by = stamp(answered), str(reviewer_id)
            closed_at = stamp(answered + 3 * DAY) if status == "closed" else "\\N"
        obstacle_id += 1
        yield (
            f"{obstacle_id}\tVướng mắc về thủ tục hành chính\t"
            f"Đơn vị gặp khó khăn khi triển khai tuyên truyền.\t{status}\t{stamp(raised)}\t"
            f"{answer_by}\t{answer}\t{answered_at}\t{closed_at}\t{answered_by}\t{campaign_id}\t"
            f"{officer_id}\t\\N\t{tree.nodes[out.unit[k]].id}\n"
        )


# A step's snapshot as the workflow stores it is the submission's content; these keep the
# row's width of the same order without copying every figure into it.
STEP_SNAPSHOT = '{"version": %d, "status": "%s", "note": "Bản chụp nội dung khi chuyển bước."}'


def step_rows(sent, content_type_id, officer_id, reviewer_id, rng, first_id=0):
    """The workflow steps of the plans or reports sent online (`sent`: id, status, first
    and last submission): the first submission by the officer; a return and a submission
    again when it was sent twice; then the reviewer's return or acceptance, days after the
    last submission. Returns the last step id through the rows' own numbering."""
    step_id = first_id
    for object_id, status, first, last in sent:
        steps = [(first, "submit", "draft", "submitted", officer_id, "")]
        if last > first:
            returned = first + (last - first) // 2
            steps.append((returned, "return", "submitted", "returned", reviewer_id, RETURN_NOTE))
            steps.append((last, "submit", "returned", "submitted", officer_id, ""))
        after = last + DAY + int(rng.random() * 14 * DAY)
        if status == "returned":
            steps.append((after, "return", "submitted", "returned", reviewer_id, RETURN_NOTE))
        elif status == "accepted":
            steps.append((after, "accept", "submitted", "accepted", reviewer_id, ""))
        for version, (at, action, from_status, to_status, actor, reason) in enumerate(steps, 1):
            step_id += 1
            snapshot = STEP_SNAPSHOT % (version, to_status)
            yield (
                f"{step_id}\t{content_type_id}\t{object_id}\t{action}\t{from_status}\t"
                f"{to_status}\t{actor}\t{stamp(at)}\t{reason}\t{snapshot}\tf\n"
            )


RETURN_NOTE = "Đề nghị bổ sung số liệu hoạt động tuyên truyền và ký số lại."
FOLLOW_UPS = (("met", 0.5), ("in_progress", 0.7), ("pending", 0.9))  # else none


def inspection_rows(tree, out, campaign_id, officer_id, reviewer_id, rng):
    """The CSPL board's visits: ≈2 % of the unit-years, one visit each, in that year."""
    inspection_id = 0
    for k in range(len(out)):
        if rng.random() >= 0.02:
            continue
        year = out.year[k]
        visited = datetime.date(year, 3, 1) + datetime.timedelta(days=int(rng.random() * 270))
        r = rng.random()
        follow_up = next((name for name, cut in FOLLOW_UPS if r < cut), "none")
        recommendations = "" if follow_up == "none" else "Hoàn thiện hồ sơ, niêm yết thủ tục."
        due = "\\N" if follow_up == "none" else (visited + datetime.timedelta(days=60)).isoformat()
        done_at, done_by, done_note = "\\N", "\\N", ""
        if follow_up == "met":
            moment = datetime.datetime.combine(
                visited + datetime.timedelta(days=30), datetime.time(9), LOCAL
            )
            done_at, done_by = stamp(int(moment.timestamp())), str(officer_id)
            done_note = "Đơn vị đã thực hiện các kiến nghị."
        recorded = datetime.datetime.combine(visited, datetime.time(16), LOCAL)
        inspection_id += 1
        yield (
            f"{inspection_id}\t{tree.nodes[out.unit[k]].id}\t{campaign_id}\t{visited}\t"
            f"{'inspection' if rng.random() < 0.5 else 'supervision'}\t"
            f"Ban Chính sách – Pháp luật\tĐơn vị triển khai đúng kế hoạch.\t{recommendations}\t"
            f"{follow_up}\t\t1\t{due}\t\\N\t{done_at}\t{done_by}\t{done_note}\t"
            f"{reviewer_id}\t{stamp(int(recorded.timestamp()))}\n"
        )


def saved_schema(cursor, tables):
    """Definitions of the keys, unique constraints, foreign keys and indexes of `tables`
    (foreign keys from other tables that point at them included), to drop and recreate."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype IN ('p', 'u', 'f')
          AND (c.conrelid::regclass::text = ANY(%(t)s)
               OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY(%(t)s)))
        """,
        {"t": list(tables)},
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%(t)s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                                                          AND c.contype IN ('p', 'u'))
        """,
        {"t": list(tables)},
    )
    indexes = cursor.fetchall()
    return constraints, indexes


def drop_schema(cursor, constraints, indexes):
    for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2] != "f"):
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')


def restore_schema(cursor, constraints, indexes):
    order = {"p": 0, "u": 1, "f": 3}

    def timed(label, sql):
        started = time.perf_counter()
        cursor.execute(sql)
        if time.perf_counter() - started >= 1:
            log(label, started=started)

    for table, name, kind, definition in sorted(constraints, key=lambda c: order[c[2]]):
        if kind != "f":
            timed(f"{table}: {name}", f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        timed(f"index {name}", definition)
    for table, name, kind, definition in constraints:
        if kind == "f":
            timed(f"{table}: {name}", f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def load_bulk(
    conn, tree, campaign, periods, indicators, themes, reviewer_id, officer_id, rng, extra
):
    """The bulk tables by COPY. `extra` draws the workflow steps and the visits: a generator
    of their own, so the rows drawn before them stay those of a database generated before
    they were added (the figures measured then)."""
    from django.contrib.contenttypes.models import ContentType

    from campaign.models import AnnualReport, Plan

    content_types = [ContentType.objects.get_for_model(model).pk for model in (Plan, AnnualReport)]
    addressed = set(campaign.addressed_kinds)
    for period in periods.values():
        due_end = datetime.datetime.combine(
            period.due_on + datetime.timedelta(days=1), datetime.time(), LOCAL
        )
        period.due_end = int(due_end.timestamp())
        period.due_7am = int(
            datetime.datetime.combine(period.due_on, datetime.time(7), LOCAL).timestamp()
        )
        period.start_epoch = int(
            datetime.datetime.combine(period.starts_on, datetime.time(8), LOCAL).timestamp()
        )

    started = time.perf_counter()
    out = draw_outcomes(tree, periods, addressed, rng)
    log(f"drew {len(out):,} unit-years", started=started)

    with conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(NO_TRIGGERS)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        constraints, indexes = saved_schema(cursor, BULK_TABLES)
        drop_schema(cursor, constraints, indexes)
        cursor.execute("TRUNCATE " + ", ".join(BULK_TABLES))
        counts = {}

        plans, plans_sent, reports_sent = [], [], []
        counts["plans"] = copy(
            cursor,
            "campaign_plan",
            (
                "id",
                "status",
                "version",
                "created_at",
                "updated_at",
                "submitted_at",
                "doc_number",
                "doc_date",
                "signer",
                "summary",
                "campaign_id",
                "unit_id",
                "first_submitted_at",
                "reopened_at",
            ),
            batched(
                plan_rows(
                    tree, addressed, campaign.pk, campaign.plan_due_on, rng, plans, plans_sent
                )
            ),
        )
        links = []
        counts["activities"] = copy(
            cursor,
            "campaign_activity",
            (
                "id",
                "method",
                "audience",
                "planned_on",
                "planned_quarter",
                "expected_participants",
                "plan_id",
            ),
            batched(activity_rows(plans, themes, rng, links)),
        )
        counts["activity_themes"] = copy(
            cursor,
            "campaign_activity_themes",
            ("id", "activity_id", "theme_id"),
            batched(activity_theme_rows(links)),
        )
        del plans, links
        counts["reports"] = copy(
            cursor,
            "reports_annualreport",
            (
                "id",
                "status",
                "version",
                "created_at",
                "updated_at",
                "submitted_at",
                "first_submitted_at",
                "reopened_at",
                "year",
                "results",
                "shortcomings",
                "obstacles",
                "proposals",
                "self_assessment",
                "campaign_id",
                "unit_id",
                "period_id",
                "flags",
                "flags_note",
            ),
            batched(report_rows(tree, out, periods, campaign.pk, rng, reports_sent)),
        )
        counts["values"] = copy(
            cursor,
            "reports_indicatorvalue",
            ("id", "int_value", "text_value", "indicator_id", "report_id"),
            value_chunks(tree, out, indicators, rng),
        )
        counts["reminders"] = copy(
            cursor,
            "reports_reminder",
            (
                "id",
                "what",
                "year",
                "step",
                "due_on",
                "manual",
                "sent_at",
                "recipients",
                "campaign_id",
                "sent_by_id",
                "unit_id",
            ),
            batched(reminder_rows(tree, out, periods, campaign.pk, reviewer_id, rng)),
        )
        counts["obstacles"] = copy(
            cursor,
            "reports_obstacle",
            (
                "id",
                "subject",
                "text",
                "status",
                "raised_at",
                "answer_by",
                "answer",
                "answered_at",
                "closed_at",
                "answered_by_id",
                "campaign_id",
                "raised_by_id",
                "report_id",
                "unit_id",
            ),
            batched(obstacle_rows(tree, out, periods, campaign.pk, officer_id, reviewer_id, rng)),
        )
        step_columns = (
            "id",
            "content_type_id",
            "object_id",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "at",
            "reason",
            "snapshot",
            "emails_pending",
        )
        plan_type, report_type = content_types
        counts["plan steps"] = copy(
            cursor,
            "campaign_step",
            step_columns,
            batched(step_rows(plans_sent, plan_type, officer_id, reviewer_id, extra)),
        )
        counts["report steps"] = copy(
            cursor,
            "campaign_step",
            step_columns,
            batched(
                step_rows(
                    reports_sent,
                    report_type,
                    officer_id,
                    reviewer_id,
                    extra,
                    first_id=counts["plan steps"],
                )
            ),
        )
        del plans_sent, reports_sent
        counts["inspections"] = copy(
            cursor,
            "reports_inspection",
            (
                "id",
                "unit_id",
                "campaign_id",
                "visited_on",
                "kind",
                "members",
                "findings",
                "recommendations",
                "follow_up",
                "follow_up_note",
                "follow_up_version",
                "recommendations_due_on",
                "due_notified_on",
                "done_at",
                "done_by_id",
                "done_note",
                "recorded_by_id",
                "recorded_at",
            ),
            batched(inspection_rows(tree, out, campaign.pk, officer_id, reviewer_id, extra)),
        )
        started = time.perf_counter()
        restore_schema(cursor, constraints, indexes)
        log("keys and indexes recreated", started=started)
        for table in BULK_TABLES:
            sql = "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(max(id), 1)) FROM {}"
            cursor.execute(sql.format(table), [table])
    conn.commit()
    return counts, out


# The figure stamps' triggers (campaign/migrations/0009_figure_stamps.py) would fire once per
# copied row: the loads run without them (a superuser's session setting), and stamp_figures
# stamps what was loaded at the end.
NO_TRIGGERS = "SET session_replication_role = replica"


def stamp_figures(cursor):
    """A fresh stamp for every year of reports, every campaign's plans and the tree, as the
    triggers would have left them: figures cached from another database under the same
    keys can never be taken for these."""
    cursor.execute(
        """
        INSERT INTO campaign_figurestamp (campaign_id, year, stamp)
        SELECT campaign_id, year, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
        FROM (
            SELECT DISTINCT campaign_id, year FROM reports_annualreport
            UNION SELECT DISTINCT campaign_id, 0 FROM campaign_plan
            UNION SELECT 0, 0
        ) AS scopes
        ON CONFLICT (campaign_id, year) DO UPDATE
        SET stamp = greatest(campaign_figurestamp.stamp + 1, excluded.stamp)
        """
    )


def check_tree(cursor):
    """numchild and depth as treebeard would have written them."""
    cursor.execute(
        """
        WITH kids AS (
            SELECT substr(path, 1, length(path) - 4) AS parent, count(*) AS n
            FROM units_unit WHERE depth > 1 GROUP BY 1
        )
        SELECT count(*) FROM units_unit u LEFT JOIN kids k ON k.parent = u.path
        WHERE u.numchild <> coalesce(k.n, 0) OR u.depth * 4 <> length(u.path)
        """
    )
    bad = cursor.fetchone()[0]
    if bad:
        raise SystemExit(f"{bad} units have a wrong numchild or depth")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("province", "national"), required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=None, help="default: fixed per scale")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else DEFAULT_SEED[args.scale]
    rng = random.Random(seed)

    total = time.perf_counter()
    name = common.database_name(args.database_url)
    print(f"Generating {name} at {args.scale} scale (seed {seed})", flush=True)

    started = time.perf_counter()
    create_database(args.database_url)
    common.configure_django(args.database_url)
    from django.core.management import call_command

    from units.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    log("database created and migrated", started=started)

    started = time.perf_counter()
    tree = build_tree(args.scale, Unit.steplen, Unit.alphabet, rng)
    log(f"built a tree of {len(tree.nodes):,} units", started=started)

    conn = psycopg2.connect(args.database_url)
    load_units(conn, tree)

    started = time.perf_counter()
    campaign, periods, indicators, themes, reviewer_id, officer_id = orm_objects(tree, args.scale)
    log("campaign, periods and users (ORM)", started=started)

    started = time.perf_counter()
    counts, _out = load_bulk(
        conn,
        tree,
        campaign,
        periods,
        indicators,
        themes,
        reviewer_id,
        officer_id,
        rng,
        random.Random(f"steps-{seed}"),
    )
    log("bulk load committed", started=started)

    started = time.perf_counter()
    conn.autocommit = True
    with conn.cursor() as cursor:
        stamp_figures(cursor)
        cursor.execute("VACUUM (ANALYZE)")
        log("VACUUM (ANALYZE)", started=started)
        check_tree(cursor)
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    conn.close()

    elapsed = time.perf_counter() - total
    print(
        f"Done in {elapsed:.0f} s: {len(tree.nodes):,} units, "
        + ", ".join(f"{n:,} {k}" for k, n in counts.items())
        + f"; database {name} is {size}.",
        flush=True,
    )
    print(
        f"Bench reviewer: {common.REVIEWER_USERNAME} / {common.REVIEWER_PASSWORD} "
        f"(reviewer at the root and at one {SECOND_MEMBERSHIP[args.scale]})"
    )


if __name__ == "__main__":
    main()
