"""The federation tree, its users and who holds which role where."""

import datetime
import itertools
from collections import Counter

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Left, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from units import bulk


def is_open_on(
    opened_on: datetime.date | None, closed_on: datetime.date | None, day: datetime.date
) -> bool:
    """Whether a unit with these dates is open on `day`: opened on or before it (or with no
    opening date) and not closed on or before it (a unit closed on `day` is no longer open
    that day). `open_on` is the same rule in SQL; the access scope and the counting rule read
    a unit's life through these two."""
    return (opened_on is None or opened_on <= day) and (closed_on is None or closed_on > day)


def open_on(day, prefix: str = "") -> Q:
    """Rows whose unit (reached through `prefix`, e.g. "unit__") is open on `day`, a date
    or a date expression: the SQL form of `is_open_on`."""
    opened = Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})
    not_closed = Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    return opened & not_closed


class User(AbstractUser):
    """A person who signs in. Vietnamese names do not split into first and last name."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class UnitQuerySet(MP_NodeQuerySet):
    def delete(self, *args, **kwargs):
        raise ValidationError(_("Units are never deleted; close or merge the unit instead."))

    def open_on(self, day: datetime.date) -> "UnitQuerySet":
        """Units that exist on `day`: opened by then and not yet closed."""
        return self.filter(open_on(day))

    def in_subtree(self, *paths):
        """Units at or below any of the given tree paths, in one indexed prefix scan."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


# The subtrees one query of a bulk move reads at most (UnitManager._touched_by).
PREFIXES_PER_QUERY = 500


class UnitManager(MP_NodeManager):
    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def open_on(self, day):
        return self.get_queryset().open_on(day)

    def in_subtree(self, *paths):
        return self.get_queryset().in_subtree(*paths)

    def move(self, node, target, pos=None, *, effective_on=None):
        """Move `node` with its subtree; their history records it from `effective_on`
        (today when not given: a move made by hand takes effect the day it is made)."""
        # treebeard rewrites the paths with UPDATE queries, which send no signal.
        from units.dataversion import bump_data_version

        # Besides the moved subtree, a move to a position among siblings ("left", "sorted-
        # sibling"…) renumbers the paths of the siblings after it and of their subtrees:
        # every unit under the new parent whose era no longer has its path is synced too.
        if pos and pos.endswith("child"):
            area = target.path
        else:
            area = target.path[: -self.model.steplen] if target.depth > 1 else ""
        result = super().move(node, target, pos)
        bump_data_version()
        node.refresh_from_db()
        day = effective_on or timezone.localdate()
        moved = set(self.in_subtree(node.path).values_list("pk", flat=True))
        moved |= set(
            UnitState.objects.placed_on(day)
            .filter(unit__path__startswith=area)
            .exclude(path=models.F("unit__path"))
            .values_list("unit_id", flat=True)
        )
        UnitState.objects.sync(list(moved), day)
        return result

    def last_child_step(self, target) -> int:
        """The highest step of a path directly below `target` (None: among the roots) that
        any unit holds now or held in its history (0 for none): a unit added or moved in
        after it never takes a path another unit stood on, on any day. A change effective
        in the past (recorded after a later one), or a unit added with a past founding day,
        would otherwise reuse the path of a unit that left later, and both would stand on
        it in between. Two queries."""
        steplen = self.model.steplen
        if target is None:
            below = {"depth": 1}
        else:
            below = {"path__startswith": target.path, "depth": target.depth + 1}
        last = max(
            [
                *self.filter(**below).order_by("-path").values_list("path", flat=True)[:1],
                *UnitState.objects.filter(**below)
                .order_by("-path")
                .values_list("path", flat=True)[:1],
            ],
            default="",
        )
        return self.model._str2int(last[-steplen:]) if last else 0

    @transaction.atomic
    def add_child_after_history(self, parent, unit=None, **fields):
        """A new unit at the end of `parent`'s children (None: a new root), on a path no
        unit held on any day (see last_child_step): `unit`, unsaved, or one made of
        `fields`. Its history starts as any new unit's, and its save moves the data version
        (the parent's count, written here, in the same transaction). Every unit is created
        so: by a reorganisation, the import and the admin."""
        depth = 1
        if parent is not None:
            parent.refresh_from_db()
            depth = parent.depth + 1
        path = self.model._get_path(
            parent.path if parent else None, depth, self.last_child_step(parent) + 1
        )
        if len(path) != depth * self.model.steplen:
            raise PathOverflow(f"Path Overflow from: '{parent.path if parent else ''}'")
        if parent is not None:
            self.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
        unit = unit or self.model(**fields)
        unit.path, unit.depth, unit.numchild = path, depth, 0
        unit.save()
        if parent is not None:
            parent.refresh_from_db()
        return unit

    @transaction.atomic
    def move_under(self, nodes, target, *, effective_on=None):
        """Move `nodes` (with their subtrees) to the end of `target`'s children, in their
        order, and record it in their history from `effective_on` (today when not given).

        The same result as moving each with `move(node, target, "last-child")`, in one pass:
        a reorganisation hands hundreds of units to a new commune union or federation at
        once. Each node takes the next path free below `target` (see `last_child_step`),
        then all move together with `move_to`: a bounded number of queries (some fifteen)
        whatever the number of nodes. Appending at the end renumbers no sibling, so only
        the moved subtrees change. Raises ValueError for nodes below one another,
        InvalidMoveToDescendant for a node above `target`, PathOverflow when `target` has
        no path left, before writing anything. `nodes` and `target` are refreshed.
        """
        nodes = list(nodes)
        if not nodes:
            return
        steplen = self.model.steplen
        # Paths as they are now: an earlier step of the same transaction may have moved them.
        current = dict(
            self.filter(pk__in=[n.pk for n in nodes]).order_by().values_list("pk", "path")
        )
        target.refresh_from_db()
        paths = sorted(current[node.pk] for node in nodes)
        if any(later.startswith(earlier) for earlier, later in itertools.pairwise(paths)):
            raise ValueError("Nodes moved together must not be below one another.")
        step = self.last_child_step(target)
        new_paths = {}
        for node in nodes:
            if target.path.startswith(current[node.pk]):
                raise InvalidMoveToDescendant("Can't move node to a descendant.")
            step += 1
            new_path = self.model._get_path(target.path, target.depth + 1, step)
            if len(new_path) != len(target.path) + steplen:
                raise PathOverflow(f"Path Overflow from: '{target.path}'")
            new_paths[node.pk] = new_path
        self.move_to(new_paths, effective_on=effective_on)
        target.refresh_from_db()
        for node in nodes:
            node.path, node.depth = new_paths[node.pk], target.depth + 1

    def move_to(self, paths: dict[int, str], *, effective_on=None) -> list[int]:
        """Move each unit of `paths` (pk: its new path) with its subtree, and record it in
        the history from `effective_on` (today when not given); return the pks of every
        unit moved, the subtrees' included.

        Each unit below a moved one follows its nearest moved ancestor (a unit moved with
        its parent keeps its own new place); depths and the parents' child counts follow.
        The new paths must be free (no unit holds one now, see `last_child_step`) and
        directly below a unit that does not move here (or at the top level). A bounded
        number of queries whatever the number of units: the moved units read, then what
        the move touches (their subtrees, their old and new parents, the new paths), one
        UPDATE of every unit that changes (units/bulk.py), the data version's, and the
        history's sync (`UnitStateManager.sync`). Raises InvalidMoveToDescendant for a unit
        moved under its own subtree, ValueError for a path taken or without a parent,
        before writing anything.
        """
        from units.dataversion import bump_data_version

        if not paths:
            return []
        steplen = self.model.steplen
        tree = self._touched_by(paths)
        path_of = {pk: path for pk, path, _count in tree}
        at = {path: pk for pk, path, _count in tree}
        moves = {path_of[pk]: new for pk, new in paths.items()}  # old path: new path
        if len(set(moves.values())) != len(moves) or any(new in at for new in moves.values()):
            raise ValueError("A unit is moved to a path another unit holds.")
        counts = Counter()
        for old, new in moves.items():
            parent = new[:-steplen]
            if parent and parent not in at:
                raise ValueError(f"No unit at {parent!r} to move a unit under.")
            # The new parent stays where it is: no prefix of its path moves.
            if any(parent[:end] in moves for end in range(steplen, len(parent) + 1, steplen)):
                raise InvalidMoveToDescendant("Can't move node to a descendant.")
            if old[:-steplen]:
                counts[at[old[:-steplen]]] -= 1
            if parent:
                counts[at[parent]] += 1
        changed = {}
        for pk, path, _count in tree:
            # The nearest moved ancestor-or-self: the longest of its path's prefixes moved.
            for end in range(len(path), 0, -steplen):
                new = moves.get(path[:end])
                if new is not None:
                    changed[pk] = new + path[end:]
                    break
        rows = [
            self.model(
                pk=pk,
                path=changed.get(pk, path),
                depth=len(changed.get(pk, path)) // steplen,
                numchild=count + counts[pk],
            )
            for pk, path, count in tree
            if pk in changed or counts[pk]
        ]
        bulk.update(self.model, rows, ["path", "depth", "numchild"], using=self.db)
        # Raw SQL sends no signal: the data version moves as Unit.save's would move it.
        bump_data_version()
        UnitState.objects.sync(list(changed), effective_on or timezone.localdate())
        return list(changed)

    def _touched_by(self, paths: dict[int, str]) -> list[tuple[int, str, int]]:
        """(pk, path, numchild) of the units a move to `paths` touches: the moved units and
        every unit below them, their parents old and new, and any unit on a new path (to
        refuse it). Two queries, one per depth of the moved units counted childless, and
        one more per PREFIXES_PER_QUERY moved units with children: a moved leaf (most units
        a split hands over) adds no condition, each moved unit with children a prefix of
        the index (none below another moved one), and a query holds a bounded number of
        them (SQLite refuses an expression deeper than 1,000 conditions; an import may move
        thousands of units)."""
        steplen = self.model.steplen
        moved = list(
            self.filter(pk__in=list(paths)).order_by().values_list("pk", "path", "numchild")
        )
        spots = {path[:-steplen] for _pk, path, _count in moved}
        for new in paths.values():
            spots |= {new, new[:-steplen]}
        spots.discard("")
        # A unit counted childless is checked for children all the same (one query per
        # depth among them, an index lookup each): moved on a stale count, its children
        # would stay behind on a path no unit holds.
        leaves = {}
        for _pk, path, count in moved:
            if not count:
                leaves.setdefault(len(path), []).append(path)
        with_children = set()
        for length, paths_of_leaves in leaves.items():
            with_children.update(
                self.filter(depth=length // steplen + 1)
                .annotate(parent_path=Left("path", length))
                .filter(parent_path__in=paths_of_leaves)
                .values_list("parent_path", flat=True)
            )
        prefixes = []
        for path in sorted(path for _pk, path, count in moved if count or path in with_children):
            if not prefixes or not path.startswith(prefixes[-1]):
                prefixes.append(path)  # sorted: a subtree's paths follow its root's
        conditions = [Q(path__in=spots)]
        for start in range(0, len(prefixes), PREFIXES_PER_QUERY):
            below = Q()
            for path in prefixes[start : start + PREFIXES_PER_QUERY]:
                below |= Q(path__startswith=path)
            if start:
                conditions.append(below)
            else:
                conditions[0] |= below
        rows = {pk: (pk, path, count) for pk, path, count in moved}
        for condition in conditions:
            for pk, path, count in (
                self.filter(condition).order_by().values_list("pk", "path", "numchild")
            ):
                rows[pk] = (pk, path, count)
        return list(rows.values())


class Unit(MP_Node):
    """A node of the federation tree. Units are closed or merged, never deleted."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial federation")
        DISTRICT = "district", _("District or city federation")
        SECTOR = "sector", _("Sector union")
        CIVIL_SERVANTS = "civil_servants", _("Civil servants union")
        INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
        COMMUNE = "commune", _("Commune or ward union")
        GRASSROOTS = "grassroots", _("Grassroots union")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="unit_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(closed_on__isnull=False),
                name="unit_merged_only_when_closed",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def picker_label(self) -> str:
        """The unit as a list to pick from names it: with its closing day once it has
        closed (a closed unit keeps its name, and stays pickable for its history)."""
        if self.closed_on:
            return _("%(unit)s (closed on %(date)s)") % {
                "unit": self,
                "date": self.closed_on.strftime("%d/%m/%Y"),
            }
        return str(self)

    def clean(self):
        for name in ("opened_on", "closed_on"):
            day = getattr(self, name)
            if day and not 1900 <= day.year <= 2100:
                # 01/07/0015 for 01/07/2015: a typo the admin's date field lets through.
                raise ValidationError({name: _("Give a year between 1900 and 2100.")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A unit cannot close before it opens.")})
        if self.successor_id and not self.closed_on:
            raise ValidationError(
                {"closed_on": _("A unit merged into another must have a closing date.")}
            )
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A unit cannot be merged into itself.")})

    def delete(self, *args, **kwargs):
        # Reports and plans keep their unit for ever: close or merge a unit instead.
        raise ValidationError(_("Units are never deleted; close or merge the unit instead."))

    def save(self, *args, effective_on=None, **kwargs):
        """Save, and keep the unit's history (UnitState) in step with the change.

        A new unit gets its first era. A change made outside a reorganisation (the admin,
        the import) takes effect today, one made by a reorganisation on its
        `effective_on`: the era valid then gets the new names or kind, and the eras before
        are left as they were.
        """
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            UnitState.objects.start(self)
        else:
            UnitState.objects.sync([self.pk], effective_on or timezone.localdate())

    def is_open_on(self, day: datetime.date) -> bool:
        return is_open_on(self.opened_on, self.closed_on, day)

    @property
    def is_open(self):
        return self.is_open_on(timezone.localdate())

    def close(self, day: datetime.date, successor: "Unit | None" = None) -> None:
        """Close the unit on `day`, optionally merging it into `successor`."""
        self.closed_on = day
        self.successor = successor
        self.full_clean()
        self.save(update_fields=["closed_on", "successor"])


class Membership(models.Model):
    """A role a user holds at a unit. The role reaches the unit's whole subtree."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Officer")
        REVIEWER = "reviewer", _("Reviewer")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_role_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


BEGINNING = datetime.date(1900, 1, 1)  # the first era of a unit without an opening date


class UnitStateQuerySet(models.QuerySet):
    def on(self, day: datetime.date) -> "UnitStateQuerySet":
        """The open eras valid on `day`: one per unit open that day, none for a closed unit."""
        return self.placed_on(day).filter(is_open=True)

    def placed_on(self, day: datetime.date) -> "UnitStateQuerySet":
        """Every era valid on `day`, open or closed: where each unit that had opened by then
        stood that day. A closed unit stands where its history went (under its successor
        when it merged), so a report it filed before closing still counts in its year, in
        the area it belongs to at that year's cut-off. Paths are unique among them."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        )

    def shown_on(self, unit, day):
        """The name `unit` was shown under on `day` (its short name, else its name, as a
        unit shows today's), from its era of that day: one value, to read in a Subquery.
        `unit` (an id) and `day` may be expressions, such as OuterRef; a unit without an era
        that day gives None."""
        return (
            self.placed_on(day)
            .filter(unit_id=unit)
            .annotate(shown=Coalesce(NullIf("short_name", Value("")), "name"))
            .values("shown")[:1]
        )

    def in_area(self, path):
        """States at or below `path`: with on(day), the area of a unit as it stood that day
        (pass the path of the unit's own state of that day). One indexed prefix scan."""
        return self.filter(path__startswith=path)


class UnitStateManager(models.Manager.from_queryset(UnitStateQuerySet)):
    def area(self, unit: Unit, day: datetime.date) -> UnitStateQuerySet:
        """The states of `unit`'s area on `day`: the unit and the units below it, as they
        stood that day; none if the unit was not open then. One query now (where the unit
        stood), one when the result is read."""
        path = self.on(day).filter(unit=unit).values_list("path", flat=True).first()
        if path is None:
            return self.none()
        return self.on(day).in_area(path)

    def start(self, unit: Unit) -> "UnitState":
        """The first eras of a new unit: open from its opening (or 1900) until its closing,
        then closed."""
        eras = [self.create(unit=unit, **era) for era in _first_eras(unit, _era_values(unit))]
        return eras[0]

    def sync(self, unit_ids, day):
        """Make the eras of `unit_ids` from `day` on match the units as they are now.

        The era valid on `day` ends there and a new one starts with the current parent,
        path, kind, names and openness (or is corrected in place when it starts on `day`
        itself). A unit closed by `day` has its open era end on its closing day and a closed
        era start there. A unit that opens later (after today too) has its eras written
        again from its opening: nothing happened under the values they held. Eras before
        `day` are never touched. Returns the units whose history changed. Three queries
        plus a few per change.
        """
        units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=unit_ids)}
        parents = _parents(units.values())
        today = timezone.localdate()
        # With their parents: comparing an era with the unit reads it.
        states = self.filter(unit__in=units).placed_on(day).select_related("parent")
        current = {s.unit_id: s for s in states}
        changed = []
        # The commonest change (a moved subtree: each unit's era ends, a new one starts) is
        # written in bulk at the end: a reorganisation changes thousands at once.
        splits = _Splits()
        for pk, unit in units.items():
            open_on_day = unit.is_open_on(day)
            wanted = {**_era_values(unit, parents), "is_open": open_on_day}
            state = current.get(pk)
            if state is None and self._not_begun(unit, max(day, today)):
                # Not open yet: nothing has happened under its old names, kind, place or
                # opening day, so a correction (a typo in its name, a move before it opens,
                # an opening brought forward to today or before) is its history from its
                # opening, as if it had been added so.
                if self._restart(unit, wanted, day):
                    changed.append(unit)
                continue
            if state is None:
                opened = unit.opened_on is None or unit.opened_on <= day
                if opened and not self.filter(unit=unit, valid_from__gt=day).exists():
                    until = unit.closed_on if open_on_day else None
                    self.create(unit=unit, valid_from=day, valid_until=until, **wanted)
                    if open_on_day:
                        self._closed_from(unit, wanted)
                    changed.append(unit)
                continue
            if state.is_open and not open_on_day:
                self._close(unit, state, day, wanted)
                changed.append(unit)
                continue
            if not state.is_open and open_on_day:
                # Its closing was undone: open again from `day`.
                splits.add(state, day, wanted, unit.closed_on)
                self._closed_from(unit, wanted)
                changed.append(unit)
                continue
            until = state.valid_until
            if open_on_day and (until is None or until > max(day, today)):
                # An open era ending on a day to come ends on a closing set for that day
                # (nothing else takes effect before its day comes): it follows the closing
                # as it is now, brought forward, postponed or withdrawn.
                until = unit.closed_on
            differs = any(getattr(state, name) != value for name, value in wanted.items())
            if not differs and until == state.valid_until:
                continue
            if until != state.valid_until and state.valid_until:
                # The closing it ended on was moved or withdrawn: the closed era from that
                # day to come never was.
                self.filter(unit=unit, valid_from=state.valid_until).delete()
            if differs:
                splits.add(state, day, wanted, until)
            else:
                state.valid_until = until
                state.save(update_fields=["valid_until"])
            if open_on_day:
                self._closed_from(unit, wanted)
            changed.append(unit)
        splits.write()
        return changed

    def correct_names(
        self, unit: "Unit", old_name: str, old_short_name: str
    ) -> datetime.date | None:
        """Correct a mistake in `unit`'s names (the admin's edit): every era of the latest
        run that bore exactly the old names takes the unit's names now, and no era starts.
        A spelling fixed today is how the unit was always called, not a rename decided
        today; a new era from today would also make every reorganisation dated before
        today refuse the unit as "changed later". A real rename, decided with a date, is a
        reorganisation. Returns the first day of the corrected run, or None when no era
        bore the old names (then `Unit.save`'s sync records the names from today). Two
        queries."""
        eras = list(self.filter(unit=unit).order_by("-valid_from"))
        run = []
        for era in eras:
            if (era.name, era.short_name) != (old_name, old_short_name):
                break
            run.append(era.pk)
        if not run:
            return None
        self.filter(pk__in=run).update(name=unit.name, short_name=unit.short_name)
        return eras[len(run) - 1].valid_from

    def _not_begun(self, unit, day):
        """Whether nothing has happened to `unit` by `day` (the change day or today,
        whichever is later): it opens after it, or its eras all begin after it (its
        opening, recorded for a later day, has just been brought forward)."""
        if unit.opened_on and unit.opened_on > day:
            return True
        eras = self.filter(unit=unit).order_by("valid_from")
        first = eras.values_list("valid_from", flat=True).first()
        return first is not None and first > day

    def _restart(self, unit, wanted, day):
        """The eras of `unit`, to which nothing has happened by `day` or today, written
        again as a new unit's from its opening (UnitStateManager.start) with the values it
        has now; True when they changed. Its eras after `day` are only those `start` wrote:
        no change takes effect on a day that has not come (a reorganisation dated later is
        applied on its day), and no era of it covers `day`."""
        values = {name: value for name, value in wanted.items() if name != "is_open"}
        planned = _first_eras(unit, values)
        fields = [*planned[0]]
        later = (
            self.filter(unit=unit, valid_from__gt=day)
            .select_related("parent")
            .order_by("valid_from")
        )
        if [{name: getattr(era, name) for name in fields} for era in later] == planned:
            return False
        later.delete()
        for era in planned:
            self.create(unit=unit, **era)
        return True

    def _close(self, unit, state, day, wanted):
        """The open era `state` ends on the unit's closing day, where its closed era starts."""
        end = unit.closed_on if unit.closed_on and unit.closed_on <= day else day
        if state.valid_from > end:
            raise ValidationError(
                _("The history of unit %(code)s cannot end before it starts.") % {"code": unit.code}
            )
        # A closing set before for a later day gives way to this one.
        self.filter(unit=unit, valid_from__gt=end).delete()
        if state.valid_from == end:
            # An era begun that same day (moved, then closed) never was: the era before it
            # already ends on that day, and this one is where the closed unit stands.
            for name, value in wanted.items():
                setattr(state, name, value)
            state.valid_until = None
            state.save()
            return
        state.valid_until = end
        state.save(update_fields=["valid_until"])
        self.create(unit=unit, valid_from=end, **wanted)

    def _closed_from(self, unit, wanted):
        """A unit open now with a closing date set: its closed era from that day."""
        if unit.closed_on and not self.filter(unit=unit, valid_from=unit.closed_on).exists():
            self.create(unit=unit, valid_from=unit.closed_on, **{**wanted, "is_open": False})

    def overlapping(self, unit_ids=None):
        """Pairs of eras of one unit that overlap: none, if the history is sound. One query."""
        states = self.order_by("unit_id", "valid_from")
        if unit_ids is not None:
            states = states.filter(unit__in=unit_ids)
        found = []
        previous = None
        for state in states:
            if (
                previous is not None
                and previous.unit_id == state.unit_id
                and (previous.valid_until is None or previous.valid_until > state.valid_from)
            ):
                found.append((previous, state))
            previous = state
        return found


class _Splits:
    """Eras that change from a day on, written in three statements (`UnitStateManager.sync`).

    Each unit appears once, so no write depends on another: the eras that end are updated,
    those that began that same day are corrected in place, and the new ones created."""

    def __init__(self):
        self.ended, self.corrected, self.new = [], [], []
        self.corrected_fields = {"valid_until"}

    def add(self, state, day, values, until):
        """From `day` on, `state`'s unit has `values`, until `until`."""
        if state.valid_from == day:
            for name, value in values.items():
                setattr(state, name, value)
            state.valid_until = until
            self.corrected.append(state)
            self.corrected_fields.update(values)
            return
        state.valid_until = day
        self.ended.append(state)
        self.new.append(
            UnitState(unit_id=state.unit_id, valid_from=day, valid_until=until, **values)
        )

    def write(self):
        # One statement each, however many units moved (units/bulk.py).
        bulk.update(UnitState, self.ended, ["valid_until"])
        bulk.update(UnitState, self.corrected, sorted(self.corrected_fields))
        bulk.insert(UnitState, self.new, _ERA_FIELDS)


def _parents(units):
    """The parent of each of `units` by its path: {parent path: parent}. One query."""
    paths = {unit.path[: -Unit.steplen] for unit in units if unit.depth > 1}
    return {unit.path: unit for unit in Unit.objects.filter(path__in=paths)}


def _first_eras(unit, values):
    """The eras of a unit nothing has happened to yet, as field values: open from its
    opening (or 1900) until its closing, then closed where it stands; only the closed one
    when it is recorded as closed from its opening."""
    valid_from = unit.opened_on or BEGINNING
    closed = {"valid_from": unit.closed_on, "valid_until": None, "is_open": False, **values}
    if unit.closed_on and unit.closed_on <= valid_from:
        return [closed]
    era = {"valid_from": valid_from, "valid_until": unit.closed_on, "is_open": True, **values}
    return [era, closed] if unit.closed_on else [era]


def _era_values(unit, parents=None):
    if parents is None:
        parents = _parents([unit])
    parent = parents.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None
    return {
        "parent": parent,
        "path": unit.path,
        "depth": unit.depth,
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
    }


class UnitState(models.Model):
    """One era of a unit: where it sat in the tree, its kind and names, from `valid_from`
    until the day before `valid_until` (None: still valid).

    A unit has open eras while it is open, then closed eras (`is_open` false) saying where
    its history stands: the open states valid on a day are exactly the units open that day,
    each with its parent, path, kind and names as they were (`on`); with the closed ones,
    every unit that had opened by then (`placed_on`). A new era
    starts when a unit is renamed, changes kind, or its path changes (it or an ancestor
    moved); eras of one unit never overlap (checked by `overlapping()`; README, "The tree
    over time").
    The treebeard tree (`Unit`) is today's tree; the states are its history.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="states"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    parent = models.ForeignKey(
        Unit,
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The unit's materialised path in that era. db_index on a CharField gives PostgreSQL a
    # second index with varchar_pattern_ops, as Unit.path's unique index does, so that
    # in_area()'s LIKE 'path%' is an index scan.
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=Unit.Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    is_open = models.BooleanField(_("open in that era"), default=True)

    objects = UnitStateManager()

    class Meta:
        verbose_name = _("unit state")
        verbose_name_plural = _("unit states")
        ordering = ["path", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unitstate_one_start"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="unitstate_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"], name="unitstate_dates")]

    def __str__(self):
        until = f"{self.valid_until:%d/%m/%Y}" if self.valid_until else "…"
        return f"{self.short_name or self.name} ({self.valid_from:%d/%m/%Y} – {until})"


# What an era is made of (all but its key), as `_Splits` inserts it.
_ERA_FIELDS = [field.name for field in UnitState._meta.concrete_fields if not field.primary_key]


class Reorganisation(models.Model):
    """One recorded act that changes the tree: a decision with ordered operations.

    draft → applied (units.reorganisations.reorganisation_apply), or draft → scheduled →
    applied by the daily task once its effective date comes, or cancelled while not yet
    applied. `summary` keeps what applying it did (the preview as applied).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("decision number"), max_length=50)
    decided_on = models.DateField(_("decision date"))
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    effective_on = models.DateField(_("effective date"))
    note = models.TextField(_("note"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_by = models.ForeignKey(
        User,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    summary = models.JSONField(_("what was done"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_on", "-pk"]

    def __str__(self):
        return f"{self.number} ({self.effective_on:%d/%m/%Y})"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class Operation(models.Model):
    """One step of a reorganisation, applied in `position` order.

    Units are named by code, so that a step can name a unit an earlier step creates.
    - create: `code`, `name`, `short_name`, `kind`, under `target_code` (empty: a root);
    - rename: `unit_code` gets `name` and `short_name`;
    - change_kind: `unit_code` gets `kind`;
    - move: `unit_code` with its subtree goes under `target_code`;
    - close: `unit_code` closes (it must have no open unit below);
    - merge: `unit_code` closes into the successor `target_code`, its open units below
      moving there with `move_children`, its people getting the same roles there with
      `move_members`;
    - split: one row per successor `target_code`, each taking the open units below
      `unit_code` listed in `children_codes`; the unit closes after its last split row.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Create a unit")
        RENAME = "rename", _("Rename")
        CHANGE_KIND = "change_kind", _("Change kind")
        MOVE = "move", _("Move with its subtree")
        # "Close" alone is also a button's word (the admin's "Đóng").
        CLOSE = "close", pgettext_lazy("reorganisation operation", "Close")
        MERGE = "merge", _("Merge into a successor")
        SPLIT = "split", _("Split among successors")

    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.CASCADE,
        related_name="operations",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    action = models.CharField(_("operation"), max_length=12, choices=Action.choices)
    unit_code = models.CharField(_("unit code"), max_length=30, blank=True)
    target_code = models.CharField(_("parent or successor code"), max_length=30, blank=True)
    code = models.CharField(_("new unit's code"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Unit.Kind.choices, blank=True)
    move_children = models.BooleanField(_("move its open units below"), default=False)
    move_members = models.BooleanField(_("give its people the same roles there"), default=False)
    children_codes = models.CharField(
        _("codes of the units below it takes"),
        max_length=2000,
        blank=True,
        help_text=_("For a split: the codes, separated by commas."),
    )

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["reorganisation", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.get_action_display()} {self.unit_code or self.code}"

    @property
    def children(self):
        return [code.strip() for code in self.children_codes.split(",") if code.strip()]


class DataVersionShard(models.Model):
    """One of the rows whose sum is the data version (units/dataversion.py)."""

    shard = models.PositiveSmallIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version shard")
        verbose_name_plural = _("data version shards")

    def __str__(self):
        return f"{self.shard}: {self.version}"


class PasswordResetRequest(models.Model):
    """A password-reset link someone asked for: counted so that one address, or one client,
    can ask for only a few an hour (units/password_reset.py)."""

    email = models.EmailField(_("e-mail address"))
    # As config.auth.client_ip read it; text, since a proxy's header is not checked here.
    client_ip = models.CharField(_("client address"), max_length=64, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            models.Index(fields=["email", "requested_at"]),
            models.Index(fields=["client_ip", "requested_at"]),
            models.Index(fields=["requested_at"]),
        ]

    def __str__(self):
        return f"{self.email} {self.requested_at:%Y-%m-%d %H:%M}"


class SentForm(models.Model):
    """A form that made something (an obstacle, a visit, a draft), by the token its page
    carried (units/once.py): the same form sent again (a second tap after a slow first, a
    reload that sends the POST again, a phone that lost the answer) leads to what the first
    made instead of making it twice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.UUIDField()
    url = models.CharField(max_length=500)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="sent_form_once_per_user")
        ]
        indexes = [models.Index(fields=["sent_at"])]

    def __str__(self):
        return f"{self.user_id} {self.token}"
