"""Reorganisations: check, preview, apply, schedule and cancel one recorded act.

How it works (README.md, "The tree over time"):

- The operations run in order inside one transaction, each checked against the tree as the
  steps before it left it. Every refusal is collected (position, message), and if there is
  one, nothing is kept.
- The preview runs exactly the same steps and rolls them back; applying runs them and keeps
  them. What the preview lists is therefore what applying does, by construction.
- Eras (UnitState) change from the effective date on; eras before it are never touched.
  A reorganisation whose effective date is before a later change of one of its units is
  refused: changes are recorded in date order.
- Applying is for a date that has come. A reorganisation dated in the future is
  *scheduled*: the daily task `units.tasks.apply_due_reorganisations` applies it on its
  date, so today's tree (the treebeard `Unit` rows) is always the tree in effect today, and
  no era starts in the future. It can be cancelled until then.
- Two applies never interleave: on PostgreSQL a transaction-level advisory lock serialises
  them (and the previews, which write the same rows before rolling back), and the
  reorganisation's row is locked (select_for_update) and its status checked again under
  the lock, so the same act is never applied twice.

Closing a unit never deletes anything. Its people keep their roles there (and so read
access to its history); the access scope refuses filing for a closed unit. What the
campaigns make of a change (who is expected to file from which year, what happens to the
open submissions of a closing unit) is said by the handlers listed in
settings.REORGANISATION_HANDLERS, so that this module knows nothing of campaigns.

Kinds a merge or split may hand a unit's work to (SUCCESSOR_KINDS): a grassroots union to
a grassroots union; a provincial federation to a provincial federation; a district or a
commune union to a provincial, district or commune union; a sector, civil-servants or
industrial-zone union to a provincial federation or another union of those three kinds.
"""

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from units.forms import code_case_refusal
from units.models import (
    BEGINNING,
    Membership,
    Operation,
    Reorganisation,
    Unit,
    UnitState,
    User,
)

Kind = Unit.Kind
Action = Operation.Action

SUCCESSOR_KINDS = {
    Kind.GRASSROOTS: {Kind.GRASSROOTS},
    Kind.PROVINCE: {Kind.PROVINCE},
    Kind.DISTRICT: {Kind.PROVINCE, Kind.DISTRICT, Kind.COMMUNE},
    Kind.COMMUNE: {Kind.PROVINCE, Kind.DISTRICT, Kind.COMMUNE},
    Kind.SECTOR: {Kind.PROVINCE, Kind.SECTOR, Kind.CIVIL_SERVANTS, Kind.INDUSTRIAL_ZONE},
    Kind.CIVIL_SERVANTS: {Kind.PROVINCE, Kind.SECTOR, Kind.CIVIL_SERVANTS, Kind.INDUSTRIAL_ZONE},
    Kind.INDUSTRIAL_ZONE: {Kind.PROVINCE, Kind.SECTOR, Kind.CIVIL_SERVANTS, Kind.INDUSTRIAL_ZONE},
}


def placement_refusal(kind: str, parent: Unit | None) -> str | None:
    """Why a unit of `kind` cannot stand under `parent` (None: at the root), or None.

    A grassroots union is the base of the tree: no unit stands under it. A provincial
    federation stands at the root or under another provincial-level one (the national
    federation of the national bench)."""
    if parent is not None and parent.kind == Kind.GRASSROOTS:
        return _("%(parent)s is a grassroots union: no unit can stand under it.") % {
            "parent": _label(parent)
        }
    if kind == Kind.PROVINCE and parent is not None and parent.kind != Kind.PROVINCE:
        return _(
            "A provincial federation stands at the top of the tree or under another one, "
            "not under %(parent)s (%(parent_kind)s)."
        ) % {"parent": _label(parent), "parent_kind": parent.get_kind_display()}
    return None


def closed_refusal(unit: Unit, day: datetime.date) -> str:
    """Why `unit`, closed on or before `day`, cannot be used that day. A merged unit names
    the unit that took over its work, which is the one the user is looking for; "closed"
    alone reads as dissolved."""
    if unit.successor_id:
        return _(
            "%(unit)s was merged into %(successor)s on %(closed)s: on %(date)s its work is "
            "%(successor)s's."
        ) % {
            "unit": _label(unit),
            "successor": _label(unit.successor),
            "closed": _date(unit.closed_on),
            "date": _date(day),
        }
    return _("%(unit)s is already closed on %(date)s (since %(closed)s).") % {
        "unit": _label(unit),
        "date": _date(day),
        "closed": _date(unit.closed_on),
    }


def successor_refusal(unit: Unit, successor: Unit, day: datetime.date) -> str | None:
    """Why `unit`, closing on `day`, cannot hand its work to `successor`, or None.

    The successor is open that day, and of a kind that takes the closing unit's work
    (SUCCESSOR_KINDS: a grassroots union takes only a grassroots union's). A merger or a
    split checks it (after its own checks of the dates), and so does the admin for a unit
    added already merged: its history goes to the successor, whose campaigns carry on."""
    if successor.opened_on and day < successor.opened_on:
        return _(
            "%(unit)s has not opened yet on %(date)s (it opens on %(opened)s): it cannot "
            "take over work from that day."
        ) % {"unit": _label(successor), "date": _date(day), "opened": _date(successor.opened_on)}
    if successor.closed_on and successor.closed_on <= day:
        return closed_refusal(successor, day)
    if successor.kind not in SUCCESSOR_KINDS[unit.kind]:
        return _(
            "%(unit)s (%(kind)s) cannot hand its work to %(target)s (%(target_kind)s): "
            "it can go to a unit of these kinds: %(allowed)s."
        ) % {
            "unit": _label(unit),
            "kind": unit.get_kind_display(),
            "target": _label(successor),
            "target_kind": successor.get_kind_display(),
            "allowed": ", ".join(
                str(label) for value, label in Kind.choices if value in SUCCESSOR_KINDS[unit.kind]
            ),
        }
    return None


def standing_refusal(parent: Unit | None, day: datetime.date | None) -> str | None:
    """Why a unit opening on `day` (None: one without an opening day, on every year's tree)
    cannot be added under `parent` as it stands today, or None.

    A new unit's history starts at today's path (UnitStateManager.start): if the parent (or
    a unit above it) moved after `day`, the new unit would stand, for the days in between,
    where its parent did not, under no unit on those years' trees. The admin and the import
    check it; a reorganisation, which opens units on its own day, checks `stands_as_now`.
    One query, two when refused."""
    if parent is None:
        return None
    elsewhere = (
        UnitState.objects.filter(unit=parent)
        .exclude(path=parent.path)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day or BEGINNING))
    )
    if not elsewhere.exists():
        return None
    since = (
        UnitState.objects.filter(unit=parent, path=parent.path)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    ) or timezone.localdate()
    return _(
        "%(parent)s moved to its present place in the tree on %(date)s: give the new unit an "
        "opening day on or after that day."
    ) % {"parent": _label(parent), "date": _date(since)}


# Any number: the advisory lock that serialises applying reorganisations.
LOCK_KEY = 0x5E0_12


class ReorganisationError(Exception):
    """Refusals: `errors` is a list of (operation position, message); 0 is the act itself."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("; ".join(f"{position}: {message}" for position, message in self.errors))


@dataclass
class Preview:
    """What applying a reorganisation does, in plain values (kept as JSON when applied).

    Units are {"code", "name"}; a list entry says what changes for one unit, membership
    or submission. `expected`, `submissions` and `inspections` come from the campaign
    handlers, each
    called with preview, before, after (snapshots of the units), day and reorganisation.
    """

    effective_on: str
    opened: list[dict] = field(default_factory=list)  # code, name, kind, parent
    closed: list[dict] = field(default_factory=list)  # code, name, successor
    moved: list[dict] = field(default_factory=list)  # code, name, from, to
    renamed: list[dict] = field(default_factory=list)  # code, from, to, from_short, to_short
    kind_changed: list[dict] = field(default_factory=list)  # code, name, from, to
    memberships_moved: list[dict] = field(default_factory=list)  # user, role, from, to
    memberships_ending: list[dict] = field(default_factory=list)  # user, role, unit
    expected: list[dict] = field(default_factory=list)  # campaign, code, name, change, year
    submissions: list[dict] = field(default_factory=list)  # what, pk, code, outcome, ...
    # Visits to closing units whose recommendations are still to carry out, and who follows
    # them up: pk, code, visited_on, due_on, to, to_name ("" when nobody carries on), via
    # (the closing unit a unit merged into earlier, for that unit's visits; else "").
    inspections: list[dict] = field(default_factory=list)

    def as_json(self):
        return asdict(self)

    def digest(self) -> str:
        """A fingerprint of what the preview says, for a page to send back with "apply": the
        same operations on the same tree give the same digest. Each list is sorted, so the
        order the database returns rows in does not matter. No query."""
        canonical = {
            key: sorted(json.dumps(item, sort_keys=True, default=str) for item in value)
            if isinstance(value, list)
            else value
            for key, value in self.as_json().items()
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _check_seen(preview: Preview, seen: str | None) -> None:
    """Refuse when the page the user acted from showed another preview (`seen`, its
    digest; None: the caller showed none, as the daily task): a colleague added or changed
    an operation, or another reorganisation changed the tree, since the page was drawn,
    and applying cannot be undone."""
    if seen is not None and seen != preview.digest():
        raise ReorganisationError(
            [
                (
                    0,
                    _(
                        "This reorganisation or the tree changed after your page was opened: "
                        "nothing was done. Read the preview again below, then confirm."
                    ),
                )
            ]
        )


# --- The public functions ------------------------------------------------------------------------


def reorganisation_preview(reorganisation: Reorganisation) -> Preview:
    """What applying `reorganisation` would do now, or raise ReorganisationError.

    Runs the operations in a transaction that is always rolled back.
    """
    preview = None
    with transaction.atomic():
        # Its steps write (then roll back) the rows an apply writes: without the lock, a
        # preview and an apply each held a unit the other waited for, and PostgreSQL ended
        # one of them with a deadlock error. With it, one waits for the other.
        _lock_tree()
        preview = _execute(reorganisation)
        transaction.set_rollback(True)
    return preview


def reorganisation_apply(
    *, reorganisation: Reorganisation, user: User | None, seen: str | None = None
) -> Preview:
    """Apply a draft or scheduled reorganisation whose effective date has come.

    `seen`: the digest of the preview the user confirmed (Preview.digest), if any.
    Raises ReorganisationError, changing nothing, when it cannot be applied or what it
    would do is no longer what the user saw.
    """
    with transaction.atomic():
        current = _lock(reorganisation)
        if current.status == Reorganisation.Status.APPLIED:
            # Most often the same button sent twice: say it is done, and since when.
            raise ReorganisationError(
                [
                    (
                        0,
                        _("This reorganisation had already been applied, on %(when)s.")
                        % {"when": f"{timezone.localtime(current.applied_at):%H:%M %d/%m/%Y}"},
                    )
                ]
            )
        if current.status not in (Reorganisation.Status.DRAFT, Reorganisation.Status.SCHEDULED):
            raise ReorganisationError([(0, _("This reorganisation is no longer open to apply."))])
        if current.effective_on > timezone.localdate():
            raise ReorganisationError(
                [
                    (
                        0,
                        _(
                            "It takes effect on %(date)s: schedule it, and it will be applied "
                            "on that day."
                        )
                        % {"date": _date(current.effective_on)},
                    )
                ]
            )
        preview = _execute(current)
        _check_seen(preview, seen)
        current.status = Reorganisation.Status.APPLIED
        current.applied_by = user
        current.applied_at = timezone.now()
        current.summary = preview.as_json()
        current.save(update_fields=["status", "applied_by", "applied_at", "summary"])
    reorganisation.refresh_from_db()
    return preview


def reorganisation_schedule(
    *, reorganisation: Reorganisation, user: User, seen: str | None = None
) -> Preview:
    """Mark a draft dated in the future to be applied on its date, after checking that it
    could be applied as the tree stands now (it is checked again on the day) and, given
    `seen`, that it does what the user's page showed."""
    with transaction.atomic():
        current = _lock(reorganisation)
        if current.status == Reorganisation.Status.SCHEDULED:
            # The same button sent twice: it is done.
            message = _("This reorganisation had already been scheduled for %(date)s.")
            raise ReorganisationError([(0, message % {"date": _date(current.effective_on)})])
        if current.status != Reorganisation.Status.DRAFT:
            raise ReorganisationError([(0, _("Only a draft can be scheduled."))])
        if current.effective_on <= timezone.localdate():
            raise ReorganisationError([(0, _("Its effective date has come: apply it instead."))])
        with transaction.atomic():
            preview = _execute(current)
            transaction.set_rollback(True)
        _check_seen(preview, seen)
        current.status = Reorganisation.Status.SCHEDULED
        current.applied_by = user  # who asked; the task applies it in their name
        current.save(update_fields=["status", "applied_by"])
    reorganisation.refresh_from_db()
    return preview


def reorganisation_unschedule(*, reorganisation: Reorganisation, user: User) -> None:
    """Take a scheduled reorganisation back to draft (to correct it before its date)."""
    with transaction.atomic():
        current = _lock(reorganisation)
        if current.status != Reorganisation.Status.SCHEDULED:
            message = _("Only a scheduled reorganisation goes back to draft.")
            raise ReorganisationError([(0, message)])
        current.status = Reorganisation.Status.DRAFT
        current.applied_by = None
        current.save(update_fields=["status", "applied_by"])
    reorganisation.refresh_from_db()


def reorganisation_cancel(*, reorganisation: Reorganisation, user: User) -> None:
    """Cancel a reorganisation not yet in effect (a draft or a scheduled one)."""
    with transaction.atomic():
        current = _lock(reorganisation)
        if current.status == Reorganisation.Status.CANCELLED:
            # The same button sent twice, or a colleague's page: it is done.
            raise ReorganisationError([(0, _("This reorganisation had already been cancelled."))])
        if current.status == Reorganisation.Status.APPLIED:
            # Most often a page left open from before: say what the user can still do.
            raise ReorganisationError(
                [
                    (
                        0,
                        _(
                            "This reorganisation was applied on %(when)s and cannot be "
                            "cancelled: what it changed is the tree's history now. To change "
                            "the tree again, record a new reorganisation."
                        )
                        % {"when": f"{timezone.localtime(current.applied_at):%H:%M %d/%m/%Y}"},
                    )
                ]
            )
        if current.status not in (Reorganisation.Status.DRAFT, Reorganisation.Status.SCHEDULED):
            raise ReorganisationError(
                [(0, _("Only a reorganisation not yet in effect can be cancelled."))]
            )
        current.status = Reorganisation.Status.CANCELLED
        current.summary = {"cancelled_by": str(user), "cancelled_at": timezone.now().isoformat()}
        current.save(update_fields=["status", "summary"])
    reorganisation.refresh_from_db()


def apply_due(today: datetime.date | None = None) -> list[tuple[Reorganisation, list]]:
    """Apply the scheduled reorganisations whose date has come, oldest date first.

    One that can no longer be applied goes back to draft with its refusals in `summary`.
    Returns (reorganisation, refusals) for each one tried.
    """
    today = today or timezone.localdate()
    done = []
    due = Reorganisation.objects.filter(
        status=Reorganisation.Status.SCHEDULED, effective_on__lte=today
    ).order_by("effective_on", "pk")
    for reorganisation in due:
        try:
            reorganisation_apply(reorganisation=reorganisation, user=reorganisation.applied_by)
            done.append((reorganisation, []))
        except ReorganisationError as error:
            Reorganisation.objects.filter(
                pk=reorganisation.pk, status=Reorganisation.Status.SCHEDULED
            ).update(
                status=Reorganisation.Status.DRAFT,
                summary={"errors": [[p, str(m)] for p, m in error.errors]},
            )
            done.append((reorganisation, error.errors))
    return done


# --- Locking -------------------------------------------------------------------------------------


def _lock(reorganisation):
    """Take the reorganisations' lock for this transaction; return the row, locked."""
    _lock_tree()
    return Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)


def _lock_tree():
    """Take the reorganisations' lock for this transaction (PostgreSQL; SQLite writes one
    transaction at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# --- Running the operations ----------------------------------------------------------------------


def _date(day):
    return f"{day:%d/%m/%Y}"


def _label(unit):
    return f"{unit.code} – {unit.short_name or unit.name}"


class _Run:
    """The operations of one reorganisation run against the tree, step by step."""

    def __init__(self, reorganisation):
        self.reorganisation = reorganisation
        self.day = reorganisation.effective_on
        self.operations = list(reorganisation.operations.order_by("position", "pk"))
        self.errors = []
        self.memberships_moved = []
        # unit code -> its last split row (rows may share a position: the order they run in)
        self.split_units = {}

    def refuse(self, operation, message):
        self.errors.append((operation.position, message))

    def unit(self, operation, code, *, role, receiving=False):
        """The unit with `code`, open on the effective day, or None after refusing.
        `receiving`: the unit is to take units or work (a parent, a successor)."""
        if not code:
            self.refuse(operation, _("Give the code of the %(role)s.") % {"role": role})
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            self.refuse(operation, _("No unit has the code “%(code)s”.") % {"code": code})
            return None
        if unit.opened_on and self.day < unit.opened_on:
            self.refuse(
                operation,
                _("It takes effect on %(date)s, before %(unit)s opened (%(opened)s).")
                % {"date": _date(self.day), "unit": _label(unit), "opened": _date(unit.opened_on)},
            )
            return None
        if unit.closed_on and unit.closed_on <= self.day:
            message = closed_refusal(unit, self.day)
            if receiving and not unit.successor_id:
                # A merged unit's refusal names its successor; a dissolved one's says only
                # that it closed, which leaves the user to guess what to put instead.
                message += " " + _("Name a unit open on that day instead.")
            self.refuse(operation, message)
            return None
        if unit.closed_on:
            self.refuse(
                operation,
                _("%(unit)s closes on %(closed)s, after this date: record changes in date order.")
                % {"unit": _label(unit), "closed": _date(unit.closed_on)},
            )
            return None
        return unit

    def later_history(self, operation, unit):
        """Refuse when a unit of `unit`'s subtree has an era starting after the date, other
        than the first era of a unit that opens after today: that one only opens it and
        nothing has happened to it yet, so sync places it again from its opening. A unit
        that opened after the date but has opened by now keeps its eras (they happened)."""
        earlier = UnitState.objects.filter(
            unit=OuterRef("unit"), valid_from__lt=OuterRef("valid_from")
        )
        later = (
            UnitState.objects.filter(
                Q(Exists(earlier)) | Q(valid_from__lte=timezone.localdate()),
                unit__in=Unit.objects.in_subtree(unit.path),
                valid_from__gt=self.day,
            )
            .select_related("unit")
            .order_by("valid_from")
            .first()
        )
        if later is None:
            return False
        self.refuse(
            operation,
            _(
                "%(unit)s changed on %(date)s, after this reorganisation's effective date: "
                "record changes in date order."
            )
            % {"unit": _label(later.unit), "date": _date(later.valid_from)},
        )
        return True

    def stands_as_now(self, operation, target):
        """Refuse when `target`, which units are to go under, stood elsewhere in the tree on
        the effective day (it or a unit above it moved later): the units put under it would
        get today's place for days when it was somewhere else."""
        then = (
            UnitState.objects.placed_on(self.day)
            .filter(unit=target)
            .values_list("path", flat=True)
            .first()
        )
        if then is None or then == target.path:
            return True
        moved = (
            UnitState.objects.filter(unit=target, valid_from__gt=self.day)
            .exclude(path=then)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        self.refuse(
            operation,
            _(
                "%(unit)s moved in the tree on %(date)s, after this reorganisation's "
                "effective date: record changes in date order."
            )
            % {"unit": _label(target), "date": _date(moved or self.day)},
        )
        return False

    def open_children(self, unit):
        return [child for child in Unit.objects.get_children(unit) if child.is_open_on(self.day)]

    def successor(self, operation, unit):
        """The open successor of `unit` named by the operation, or None after refusing."""
        target = self.unit(operation, operation.target_code, role=_("successor"), receiving=True)
        if target is None:
            return None
        if target.path.startswith(unit.path):
            self.refuse(
                operation,
                _("%(unit)s cannot be merged into %(target)s, which is itself or below it.")
                % {"unit": _label(unit), "target": _label(target)},
            )
            return None
        # self.unit found it open on the day: this leaves its kind to check.
        refusal = successor_refusal(unit, target, self.day)
        if refusal:
            self.refuse(operation, refusal)
            return None
        if not self.stands_as_now(operation, target):
            return None
        return target

    def close(self, operation, unit, successor=None):
        """Close `unit`; True when it closed."""
        remaining = self.open_children(unit)
        if remaining:
            self.refuse(
                operation,
                _("%(unit)s still has open units below it (%(codes)s): move or close them first.")
                % {"unit": _label(unit), "codes": ", ".join(c.code for c in remaining)},
            )
            return False
        unit.closed_on = self.day
        unit.successor = successor
        unit.full_clean(exclude=["path", "depth", "numchild"])
        unit.save(update_fields=["closed_on", "successor"], effective_on=self.day)
        return True

    def move(self, units, parent):
        """Move `units` (with what is below them) to the end of `parent`'s children."""
        Unit.objects.move_under(units, parent, effective_on=self.day)

    # --- one method per action (move_ and close_: move and close are the helpers) -----
    def create(self, operation):
        code = operation.code or operation.unit_code
        problems = []
        if not code:
            problems.append(_("Give the new unit's code."))
        else:
            # In other capitals too: a code typed again in a file or a form names either.
            taken = Unit.objects.filter(code__iexact=code).first()
            if taken is not None and taken.code == code:
                problems.append(
                    _("The code “%(code)s” is already used by %(unit)s.")
                    % {"code": code, "unit": _label(taken)}
                )
            elif taken is not None:
                problems.append(code_case_refusal(code, taken.code, _label(taken)))
        if not operation.name:
            problems.append(_("Give the new unit's name."))
        if operation.kind not in Kind.values:
            problems.append(_("Choose the new unit's kind."))
        parent = None
        if operation.target_code:
            parent = self.unit(operation, operation.target_code, role=_("parent"), receiving=True)
            if parent is None or not self.stands_as_now(operation, parent):
                return
        refusal = placement_refusal(operation.kind, parent) if operation.kind else None
        if refusal:
            problems.append(refusal)
        for problem in problems:
            self.refuse(operation, problem)
        if problems:
            return
        values = {
            "code": code,
            "name": operation.name,
            "short_name": operation.short_name,
            "kind": operation.kind,
            "opened_on": self.day,
        }
        Unit.objects.add_child_after_history(parent, **values)

    def rename(self, operation, unit):
        if not operation.name:
            self.refuse(operation, _("Give the new name."))
            return
        unit.name = operation.name
        unit.short_name = operation.short_name
        unit.save(update_fields=["name", "short_name"], effective_on=self.day)

    def change_kind(self, operation, unit):
        if operation.kind not in Kind.values:
            self.refuse(operation, _("Choose the new kind."))
            return
        parent = Unit.objects.get_parent(unit) if unit.depth > 1 else None
        refusal = placement_refusal(operation.kind, parent)
        if refusal is None and operation.kind == Kind.GRASSROOTS and self.open_children(unit):
            refusal = _("%(unit)s has open units below it: a grassroots union cannot.") % {
                "unit": _label(unit)
            }
        if refusal:
            self.refuse(operation, refusal)
            return
        unit.kind = operation.kind
        unit.save(update_fields=["kind"], effective_on=self.day)

    def move_(self, operation, unit):
        parent = self.unit(operation, operation.target_code, role=_("new parent"), receiving=True)
        if parent is None:
            return
        if parent.path.startswith(unit.path):
            self.refuse(
                operation,
                _("%(unit)s cannot move under %(target)s, which is itself or below it.")
                % {"unit": _label(unit), "target": _label(parent)},
            )
            return
        if unit.depth > 1 and unit.path[: -Unit.steplen] == parent.path:
            self.refuse(
                operation,
                _("%(unit)s is already under %(target)s.")
                % {"unit": _label(unit), "target": _label(parent)},
            )
            return
        if not self.stands_as_now(operation, parent):
            return
        refusal = placement_refusal(unit.kind, parent)
        if refusal:
            self.refuse(operation, refusal)
            return
        self.move([unit], parent)

    def close_(self, operation, unit):
        self.close(operation, unit)

    def merge(self, operation, unit):
        successor = self.successor(operation, unit)
        if successor is None:
            return
        if operation.move_children:
            self.move(self.open_children(unit), successor)
        if operation.move_members:
            for membership in Membership.objects.filter(unit=unit).select_related("user"):
                _new, created = Membership.objects.get_or_create(
                    user=membership.user, unit=successor, role=membership.role
                )
                if created:
                    self.memberships_moved.append(
                        {
                            "user": str(membership.user),
                            "role": membership.role,
                            "from": unit.code,
                            "to": successor.code,
                        }
                    )
        unit.refresh_from_db()
        if self.close(operation, unit, successor):
            # Its history now belongs to the successor: the closed unit (with the closed
            # units below it) goes under it, so that the successor's area on today's tree
            # holds it and the successor's people read it. Its eras before today stay.
            successor.refresh_from_db()
            if unit.path[: -Unit.steplen] != successor.path:
                self.move([unit], successor)

    def split(self, operation, unit):
        successor = self.successor(operation, unit)
        if successor is None:
            return
        below = {child.code: child for child in self.open_children(unit)}
        moving = []
        # A code listed twice moves once, and is refused once.
        for code in dict.fromkeys(operation.children):
            child = below.get(code)
            if child is None:
                self.refuse(
                    operation,
                    _("“%(code)s” is not an open unit directly below %(unit)s.")
                    % {"code": code, "unit": _label(unit)},
                )
                continue
            moving.append(child)
        self.move(moving, successor)
        if self.split_units[unit.code] is operation:
            # Its last split row: everything below it must have gone somewhere.
            unit.refresh_from_db()
            self.close(operation, unit)


_METHODS = {Action.MOVE: "move_", Action.CLOSE: "close_"}


def _execute(reorganisation) -> Preview:
    """Run the operations in the current transaction; return what they did.

    Raises ReorganisationError (the caller's transaction must then be rolled back, which
    an exception leaving transaction.atomic does).
    """
    run = _Run(reorganisation)
    if not run.operations:
        raise ReorganisationError([(0, _("Add at least one operation."))])
    for operation in run.operations:
        if operation.action == Action.SPLIT:
            run.split_units[operation.unit_code] = operation
    before = _snapshot(run.day)
    for operation in run.operations:
        if operation.action == Action.CREATE:
            run.create(operation)
            continue
        unit = run.unit(operation, operation.unit_code, role=_("unit"))
        if unit is not None and not run.later_history(operation, unit):
            getattr(run, _METHODS.get(operation.action, operation.action))(operation, unit)
    if run.errors:
        raise ReorganisationError(run.errors)
    # Only eras that begin or end on the day can have changed: check those units' history.
    touched = UnitState.objects.filter(Q(valid_from=run.day) | Q(valid_until=run.day))
    overlaps = UnitState.objects.overlapping(touched.values("unit_id"))
    if overlaps:  # a bug, never a user's mistake: refuse rather than keep a broken history
        raise ReorganisationError(
            [(0, _("The history of unit %(code)s would overlap.") % {"code": overlaps[0][0].unit})]
        )
    after = _snapshot(run.day)
    preview = _diff(before, after, run.day)
    preview.memberships_moved = run.memberships_moved
    preview.memberships_ending = _memberships_ending(preview.closed)
    for handler in getattr(settings, "REORGANISATION_HANDLERS", []):
        import_string(handler)(
            preview=preview,
            before=before,
            after=after,
            day=run.day,
            reorganisation=run.reorganisation,
        )
    return preview


def _snapshot(day):
    """Every unit as it stands: {code: dict}. One query."""
    units = list(
        Unit.objects.values(
            "pk",
            "code",
            "name",
            "short_name",
            "kind",
            "path",
            "depth",
            "opened_on",
            "closed_on",
            "successor__code",
        )
    )
    by_path = {unit["path"]: unit for unit in units}
    snapshot = {}
    for unit in units:
        parent = by_path.get(unit["path"][: -Unit.steplen]) if unit["depth"] > 1 else None
        unit["parent"] = parent["code"] if parent else ""
        unit["open"] = (unit["opened_on"] is None or unit["opened_on"] <= day) and (
            unit["closed_on"] is None or unit["closed_on"] > day
        )
        snapshot[unit["code"]] = unit
    return snapshot


def _name(unit):
    return unit["short_name"] or unit["name"]


def _diff(before, after, day) -> Preview:
    preview = Preview(effective_on=day.isoformat())
    for code, now in after.items():
        then = before.get(code)
        if then is None or (not then["open"] and now["open"]):
            preview.opened.append(
                {"code": code, "name": _name(now), "kind": now["kind"], "parent": now["parent"]}
            )
            continue
        if then["open"] and not now["open"]:
            preview.closed.append(
                {"code": code, "name": _name(then), "successor": now["successor__code"] or ""}
            )
        if then["parent"] != now["parent"] and not (then["open"] and not now["open"]):
            # (A merged unit goes under its successor as it closes: listed as closed.)
            preview.moved.append(
                {"code": code, "name": _name(then), "from": then["parent"], "to": now["parent"]}
            )
        if (then["name"], then["short_name"]) != (now["name"], now["short_name"]):
            preview.renamed.append(
                {
                    "code": code,
                    "from": then["name"],
                    "to": now["name"],
                    # A rename without a short name clears it: the preview says so.
                    "from_short": then["short_name"],
                    "to_short": now["short_name"],
                }
            )
        if then["kind"] != now["kind"]:
            preview.kind_changed.append(
                {"code": code, "name": _name(now), "from": then["kind"], "to": now["kind"]}
            )
    return preview


def _memberships_ending(closed):
    """Roles held at the units that close: their holders can no longer file or review
    there from the effective date, and keep read access to the unit's history."""
    codes = [entry["code"] for entry in closed]
    return [
        {"user": str(m.user), "role": m.role, "unit": m.unit.code}
        for m in Membership.objects.filter(unit__code__in=codes)
        .select_related("user", "unit")
        .order_by("unit__path", "user__username", "role")
    ]
