"""The demo federation: the seed plan's units, the two reorganisations of 2025 and one demo
account per role.

The story (units/data/README.md): LĐLĐ tỉnh Bến Tre's tree as it stood from 2015; on
26/02/2025 it ended its civil-servants, education and health unions and set up the unions of
the Party's and the People's Committee's agencies; on 01/07/2025 the district federations were
ended, commune and ward unions took their grassroots unions, and LĐLĐ tỉnh Bến Tre merged into
LĐLĐ tỉnh Vĩnh Long. The reorganisations are the portal's own: read from the same spreadsheets
an administrator uploads (units/data/demo_reorganisation_*.csv), then applied.

Used by the `load_demo` command, which writes each year's reports between the steps (see
campaign/demo.py). Loading it twice changes nothing: a decision already applied, looked up by
its number, is not applied again, and the 2015 tree is imported only before the first one.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from units.importing import import_reorganisation, import_units, read_reorganisation_rows, read_rows
from units.models import Membership, Reorganisation, Unit, User
from units.reorganisations import reorganisation_apply

DATA = Path(__file__).resolve().parent / "data"
DEMO_UNITS = DATA / "demo_units.csv"
# In the order they were decided: each is applied once the one before it is.
DEMO_REORGANISATIONS = [
    DATA / "demo_reorganisation_2025-02-26.csv",
    DATA / "demo_reorganisation_2025-07-01.csv",
]
DEMO_PASSWORD = "demo-bentre-2026"  # noqa: S105 -- published on purpose; load_demo refuses production
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Role = Membership.Role

# username, full name, e-mail, [(role, unit code)] as in 2015, staff.
# The full names say they are test accounts, as the demo's signer is "Người ký thử nghiệm":
# the demo names no person. They name no unit nor place: a person's unit changes over the
# years, and the pages show beside the name the unit they acted for, as it was named that day.
# The reorganisations carry some roles on: merging LĐLĐ tỉnh Bến Tre into LĐLĐ tỉnh Vĩnh Long
# gives `cspl` and `thuongvu` the same roles there, merging CĐ ngành Giáo dục into CĐ Cơ quan
# UBND tỉnh makes `cb.giaoduc` an officer there. Every role at a unit that closed is kept: it
# reads that unit's history.
DEMO_USERS = [
    ("admin", "Quản trị viên thử nghiệm", "quantri@ldldbentre.local", [], True),
    (
        "cspl",
        "Người xem xét thử nghiệm 1",
        "cspl@ldldbentre.local",
        [(Role.REVIEWER, "BT")],
        False,
    ),
    (
        "thuongvu",
        "Ủy viên thử nghiệm",
        "thuongvu@ldldbentre.local",
        [(Role.VIEWER, "BT")],
        False,
    ),
    (
        "ldld.chauthanh",
        "Người xem xét thử nghiệm 2",
        "kiemtra.chauthanh@ldldbentre.local",
        [(Role.REVIEWER, "BT-CT")],
        False,
    ),
    (
        "cb.chauthanh",
        "Cán bộ thử nghiệm 1",
        "chauthanh@ldldbentre.local",
        [(Role.OFFICER, "BT-CT")],
        False,
    ),
    (
        "cb.tanthach",
        "Cán bộ thử nghiệm 2",
        "tanthach@ldldbentre.local",
        [(Role.OFFICER, "BT-CT-03")],
        False,
    ),
    (
        "cb.giaoduc",
        "Cán bộ thử nghiệm 3",
        "giaoduc@ldldbentre.local",
        [(Role.OFFICER, "BT-GD")],
        False,
    ),
    (
        "cb.dienluc",
        "Cán bộ thử nghiệm 4",
        "dienluc@ldldbentre.local",
        [(Role.OFFICER, "BT-CS-DL")],
        False,
    ),
]

# The account the demo files under for a unit that had no officer in the portal, nor one above
# it to file on its behalf: it stands for the paper filings typed in when the portal started.
# It holds no role and cannot log in.
IMPORT_ACCOUNT = ("nhaplieu", "Nhập liệu ban đầu (dữ liệu trình diễn)")

# Roles given by hand once the district federation of Châu Thành had ended: its people went
# to the commune union that took its grassroots unions (a split hands on no roles).
ROLES_FROM_JULY_2025 = [
    ("ldld.chauthanh", Role.REVIEWER, "VL-CT"),
    ("cb.chauthanh", Role.OFFICER, "VL-CT"),
]

# What the reorganisation page says of each decision (the spreadsheet has no column for it).
NOTES = {
    "125/QĐ-LĐLĐ": (
        "Kết thúc hoạt động Công đoàn Viên chức tỉnh, Công đoàn ngành Giáo dục, Công đoàn ngành "
        "Y tế; thành lập Công đoàn các cơ quan Đảng tỉnh và Công đoàn Cơ quan UBND tỉnh. "
        "Số quyết định đặt cho bản thử."
    ),
    "2150/QĐ-TLĐ": (
        "Kết thúc hoạt động các LĐLĐ huyện, thành phố; thành lập công đoàn xã, phường; hợp nhất "
        "LĐLĐ tỉnh Bến Tre vào LĐLĐ tỉnh Vĩnh Long. Số quyết định đặt cho bản thử."
    ),
}


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """The demo units as they stood from 2015 and the accounts with their roles then; returns
    the accounts as (username, label) rows."""
    if not demo_reorganised():
        # Once a decision is applied the tree is no longer the file's: importing it again
        # would move the units back under the units that closed.
        import_units(read_rows(DEMO_UNITS))
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=_codes())}
    for username, full_name, email, roles, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": email,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            # Only on creation: a second run must not change a password someone changed.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for role, code in roles:
            Membership.objects.get_or_create(user=user, unit=units[code], role=role)
    return demo_accounts()


def import_actor() -> User:
    """The demo's import account (IMPORT_ACCOUNT): inactive, without a usable password and
    without roles, so it names the steps it took and can do nothing else."""
    username, full_name = IMPORT_ACCOUNT
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def decision_of(path: Path) -> tuple[str, datetime.date]:
    """The decision number and effective date a reorganisation file names."""
    rows = read_reorganisation_rows(path)
    day = datetime.datetime.strptime(rows[0]["effective_on"], "%d/%m/%Y").date()
    return rows[0]["decision"], day


def demo_reorganised() -> bool:
    """Whether any of the demo's decisions has been applied."""
    numbers = [decision_of(path)[0] for path in DEMO_REORGANISATIONS]
    return Reorganisation.objects.filter(
        number__in=numbers, status=Reorganisation.Status.APPLIED
    ).exists()


@transaction.atomic
def load_demo_reorganisations() -> list[Reorganisation]:
    """Apply the demo's decisions not applied yet, in order, as an administrator would:
    upload the spreadsheet, then apply the draft. Then give the roles of
    ROLES_FROM_JULY_2025. Returns the decisions applied now."""
    admin = User.objects.get(username="admin")
    applied = []
    for path in DEMO_REORGANISATIONS:
        number, day = decision_of(path)
        if Reorganisation.objects.filter(
            number=number, status=Reorganisation.Status.APPLIED
        ).exists():
            continue
        reorganisation = import_reorganisation(read_reorganisation_rows(path), user=admin)
        reorganisation.note = NOTES.get(number, "")
        reorganisation.save(update_fields=["note"])
        reorganisation_apply(reorganisation=reorganisation, user=admin)
        # Recorded when it was decided and applied when it took effect, as the rest of the
        # demo's history is written with the dates it would have had.
        Reorganisation.objects.filter(pk=reorganisation.pk).update(
            created_at=_at(reorganisation.decided_on), applied_at=_at(day)
        )
        applied.append(reorganisation)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=_later_codes())}
    for username, role, code in ROLES_FROM_JULY_2025:
        if code in units:
            user = User.objects.get(username=username)
            Membership.objects.get_or_create(user=user, unit=units[code], role=role)
    return applied


def _at(day):
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ)


def demo_accounts() -> list[tuple[str, str]]:
    """The demo accounts as (username, label) rows: the roles at open units, then those
    kept at units that closed."""
    rows = []
    for username, *_rest in DEMO_USERS:
        memberships = list(
            Membership.objects.filter(user__username=username)
            .select_related("unit")
            .order_by("unit__path", "role")
        )
        now = [_role(m) for m in memberships if m.unit.is_open]
        before = [_role(m) for m in memberships if not m.unit.is_open]
        parts = [", ".join(now)] if now else []
        if before:
            parts.append(_("(before: %(roles)s)") % {"roles": ", ".join(before)})
        rows.append((username, " ".join(parts) or _("administrator (staff)")))
    return rows


def _role(membership):
    return f"{Role(membership.role).label} – {membership.unit}"


def _codes():
    return {code for *_, roles, _staff in DEMO_USERS for _role, code in roles}


def _later_codes():
    return {code for _username, _role, code in ROLES_FROM_JULY_2025}
