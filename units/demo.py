"""The demo federation: the seed plan's units and one demo account per role.

Used by the `load_demo` command that the README's run command calls. Loading it twice
changes nothing.
"""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from units.importing import import_units, read_rows
from units.models import Membership, Unit, User

DEMO_UNITS = Path(__file__).resolve().parent / "data" / "demo_units.csv"
DEMO_PASSWORD = "demo-bentre-2026"  # noqa: S105 -- published on purpose; load_demo refuses production

Role = Membership.Role

# username, display name, e-mail, [(role, unit code)], staff
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", "quantri@ldldbentre.local", [], True),
    (
        "cspl",
        "Cán bộ Ban Chính sách – Pháp luật",
        "cspl@ldldbentre.local",
        [(Role.REVIEWER, "BT")],
        False,
    ),
    (
        "thuongvu",
        "Ủy viên Ban Thường vụ LĐLĐ tỉnh",
        "thuongvu@ldldbentre.local",
        [(Role.VIEWER, "BT")],
        False,
    ),
    (
        "ldld.chauthanh",
        "Cán bộ kiểm tra LĐLĐ huyện Châu Thành",
        "kiemtra.chauthanh@ldldbentre.local",
        [(Role.REVIEWER, "BT-CT")],
        False,
    ),
    (
        "cb.chauthanh",
        "Cán bộ công đoàn LĐLĐ huyện Châu Thành",
        "chauthanh@ldldbentre.local",
        [(Role.OFFICER, "BT-CT")],
        False,
    ),
    (
        "cb.tanthach",
        "Cán bộ CĐCS UBND xã Tân Thạch",
        "tanthach@ldldbentre.local",
        [(Role.OFFICER, "BT-CT-03")],
        False,
    ),
    (
        "cb.giaoduc",
        "Cán bộ CĐ ngành Giáo dục",
        "giaoduc@ldldbentre.local",
        [(Role.OFFICER, "BT-GD")],
        False,
    ),
    (
        "cb.dienluc",
        "Cán bộ CĐCS Điện lực Bến Tre",
        "dienluc@ldldbentre.local",
        [(Role.OFFICER, "BT-CS-DL")],
        False,
    ),
]


@transaction.atomic
def load_demo():
    """Load the demo units and accounts; returns the accounts as (username, label) rows."""
    import_units(read_rows(DEMO_UNITS))
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=_codes())}
    accounts = []
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
        label = ", ".join(f"{Role(role).label} – {units[code]}" for role, code in roles)
        accounts.append((username, label or _("administrator (staff)")))
    return accounts


def _codes():
    return {code for *_, roles, _staff in DEMO_USERS for _role, code in roles}
