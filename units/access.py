"""The access scope: which units a user may see, file for and review.

Every view fetches objects through a `Scope`. An object outside what the user may see is a
404 (its existence is not revealed); an object the user may see but not act on is a 403.

A role held at a unit reaches that unit's whole subtree, with one exception for filing
(FILE): an officer files for their own unit, and for a unit below it only while that unit has
no active officer of its own (filing on behalf, "nhập hộ"). Once a lower unit has an officer,
that officer files for it; the officers above still see its documents.

A closed unit is history: from its closing day nobody files for it (plans, reports,
obstacles), and an officer whose unit closed keeps the right to see its history. Filing
(FILE) therefore reaches only open units, from officer roles held at open units. What a
unit merged away still owes (the recommendations of a visit made there) passes to the unit
carrying its work on (units.lineage.heir): whoever files for that unit acts on it
(`can_carry_on`, `carried_on`).

Because units are stored as materialised paths, "the subtree of U" is
`path LIKE 'U.path%'`, which an index answers (see the units migrations), so a scoped
queryset costs no extra query.
"""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from units import lineage

# open_on: the units' rule of a unit's life, which the pages reading the scope import from here.
from units.models import BEGINNING, Membership, Unit, User, open_on

Role = Membership.Role

# What each verb needs. Seeing needs any role; filing and reviewing need their own.
SEE = frozenset(Role.values)
FILE = frozenset({Role.OFFICER})
REVIEW = frozenset({Role.REVIEWER})
# Reading what a unit issues to those above it (summary reports): its reviewers and the
# Standing Committee, not its officers.
READ = frozenset({Role.REVIEWER, Role.VIEWER})


class Scope:
    """What one user may reach, loaded once (one query) and then answered from memory."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user
        self._paths = {role: [] for role in Role.values}
        self._filing_paths = []
        # unit pk -> whether the unit has an active officer of its own (filing on behalf)
        self._officered = {}
        self._filing_units = None
        self._carried_on = None
        self.today = timezone.localdate()
        self.memberships = []
        if user.is_authenticated and user.is_active:
            self.memberships = list(
                Membership.objects.filter(user=user)
                .select_related("unit")
                .order_by("unit__path", "role")
            )
            for membership in self.memberships:
                self._paths[membership.role].append(membership.unit.path)
                if membership.role in FILE and membership.unit.is_open_on(self.today):
                    self._filing_paths.append(membership.unit.path)

    @classmethod
    def for_request(cls, request: HttpRequest) -> "Scope":
        """The request's scope, built on first use and kept for the rest of the request."""
        scope = getattr(request, "_access_scope", None)
        if scope is None or scope.user != request.user:
            scope = cls(request.user)
            request._access_scope = scope
        return scope

    # --- questions about roles -----------------------------------------------------------
    def paths(self, roles: Collection[str] = SEE) -> list[str]:
        if roles == FILE:
            return list(self._filing_paths)
        return [path for role in roles for path in self._paths[role]]

    @property
    def own_filing_units(self) -> list[Unit]:
        """The open units where the user holds an officer role (no query)."""
        return [
            m.unit for m in self.memberships if m.role in FILE and m.unit.is_open_on(self.today)
        ]

    @property
    def filing_units(self) -> list[Unit]:
        """The open units the user files for, by path: their own officer units, then (among
        them, in tree order) the units below those that have no active officer of their own.
        One query on first use (none without an officer role), then kept."""
        if self._filing_units is None:
            self._filing_units = list(self.units(FILE)) if self._filing_paths else []
            # The query left out the units below with an officer of their own: those it
            # returned have none, which `allows` would otherwise ask one by one.
            for unit in self._filing_units:
                if unit.path not in self._filing_paths:
                    self._officered[unit.pk] = False
        return self._filing_units

    @property
    def carried_on(self) -> dict[int, Unit]:
        """The closed units whose work a unit the user files for carries on (merged into it,
        directly or along a chain of mergers: `units.lineage.heir`), by id, each with the
        unit of `filing_units` carrying it on. A unit dissolved, or split among several,
        has none. One query on first use besides `filing_units` (none without an officer
        role), then kept."""
        if self._carried_on is None:
            carriers = {unit.pk: unit for unit in self.filing_units}
            merged = lineage.forebears(carriers, BEGINNING, self.today).merged if carriers else {}
            self._carried_on = {
                forebear.pk: carriers[carrier]
                for carrier, forebears in merged.items()
                for forebear in forebears
            }
        return self._carried_on

    def can_carry_on(self, unit: Unit) -> bool:
        """True when the user may act on what `unit` still owes after the fact (an
        inspection's recommendations): they file for it (`can_file_for`) or, once it has
        merged away, for the unit carrying its work on (`carried_on`). Its former officers
        keep reading its history and act no more, unless they file for that unit too."""
        if self.can_file_for(unit):
            return True
        return unit.successor_id is not None and unit.pk in self.carried_on

    def officer_units(self) -> list[Unit]:
        """The units of the user's officer roles (closed ones too: their history stays
        theirs), then the units they file for on behalf, by path. Like `filing_units`."""
        own = [m.unit for m in self.memberships if m.role in FILE]
        held = {unit.pk for unit in own}
        return own + [unit for unit in self.filing_units if unit.pk not in held]

    def files_on_behalf(self, unit: Unit) -> bool:
        """True when the user files for `unit` from above it, not as its own officer."""
        return unit.path not in self._filing_paths and self.can_file_for(unit)

    def filing_on_behalf_from(self, unit: Unit) -> Unit | None:
        """The user's nearest officer unit above `unit`, from which they file for it; None
        when they hold the officer role at `unit` itself (or file nowhere above it). No
        query."""
        if unit.path in self._filing_paths:
            return None
        return self.acting_from(unit, FILE)

    def acting_from(self, unit: Unit, roles: Collection[str]) -> Unit | None:
        """The nearest unit at or above `unit` where the user holds one of `roles` (the unit
        they act from, as a step's history records it), or None; for REVIEW strictly above
        it, as nobody reviews their own unit. No query."""
        held = [
            m.unit
            for m in self.memberships
            if m.role in roles
            and unit.path.startswith(m.unit.path)
            and not (roles == REVIEW and m.unit.pk == unit.pk)
        ]
        return max(held, key=lambda u: len(u.path)) if held else None

    def has_own_officer(self, unit: Unit) -> bool:
        """Whether `unit` has an active officer of its own. One query per unit, then kept."""
        if unit.pk not in self._officered:
            self._officered[unit.pk] = Membership.objects.filter(
                unit=unit, role__in=FILE, user__is_active=True
            ).exists()
        return self._officered[unit.pk]

    def has_role(self, roles: Collection[str]) -> bool:
        """True when the user holds any of `roles` anywhere."""
        return bool(self.paths(roles))

    @property
    def is_officer(self) -> bool:
        return self.has_role(FILE)

    @property
    def is_reviewer(self) -> bool:
        return self.has_role(REVIEW)

    @property
    def is_viewer(self) -> bool:
        return self.has_role({Role.VIEWER})

    def allows(self, unit: Unit, roles: Collection[str]) -> bool:
        """True when `unit` lies in the subtree of a unit where the user holds one of `roles`.

        For FILE: `unit` is open today, and it is either a unit where the user holds the
        officer role, or one below such a unit with no active officer of its own (one query
        for that unit, then kept)."""
        if roles != FILE:
            return any(unit.path.startswith(path) for path in self.paths(roles))
        if not unit.is_open_on(self.today):
            return False
        if unit.path in self._filing_paths:
            return True
        if not any(unit.path.startswith(path) for path in self._filing_paths):
            return False
        return not self.has_own_officer(unit)

    def acting_paths(self, roles: Collection[str]) -> list[str]:
        """The paths of the user's `roles` held at units open today: where they still act.
        A role kept at a closed unit reads its history and no more (no query)."""
        return [
            m.unit.path
            for m in self.memberships
            if m.role in roles and m.unit.is_open_on(self.today)
        ]

    def acts_in(self, unit: Unit, roles: Collection[str]) -> bool:
        """True when `unit` lies in the subtree of an open unit where the user holds one of
        `roles` (see `acting_paths`)."""
        return any(unit.path.startswith(path) for path in self.acting_paths(roles))

    def acting_units(self, roles: Collection[str]) -> QuerySet[Unit]:
        """The units `acts_in` answers True for: no query until evaluated."""
        condition = Q(pk__in=[])
        for path in _outermost(self.acting_paths(roles)):
            condition |= Q(path__startswith=path)
        return Unit.objects.filter(condition)

    def can_see(self, unit: Unit) -> bool:
        return self.allows(unit, SEE)

    def can_file_for(self, unit: Unit) -> bool:
        return self.allows(unit, FILE)

    def can_review(self, unit: Unit) -> bool:
        """True when the user reviews `unit`: a reviewer role strictly above it, held at a
        unit open today (a role kept at a closed unit reads its history and no more).

        Nobody reviews their own unit's submissions: a district's own plan goes to the
        province, while the district's reviewers review its grassroots unions.
        """
        return any(
            unit.path.startswith(path) and unit.path != path for path in self.acting_paths(REVIEW)
        )

    def reviewed_units(self) -> QuerySet[Unit]:
        """Units whose submissions the user reviews (see can_review): no query until used."""
        return Unit.objects.filter(self.review_condition())

    def review_condition(self, path_field: str = "path") -> Q:
        """A Q object matching rows whose unit the user reviews (see can_review)."""
        condition = Q(pk__in=[])
        # A reviewer role inside another one's subtree adds nothing: the outer one covers
        # the inner unit itself too, since it lies strictly below.
        for path in _outermost(self.acting_paths(REVIEW)):
            condition |= Q(**{f"{path_field}__startswith": path}) & ~Q(**{path_field: path})
        return condition

    # --- scoped querysets ----------------------------------------------------------------
    def condition(self, roles: Collection[str] = SEE, path_field: str = "path") -> Q:
        """A Q object matching rows whose unit path lies in the scope for `roles` (for FILE:
        the rule of `allows`, with a subquery on the officers of the units below)."""
        paths = self.paths(roles)
        if not paths:
            return Q(pk__in=[])
        if roles == FILE:
            return self._filing_condition(paths, path_field)
        condition = Q()
        for path in _outermost(paths):
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    def _filing_condition(self, paths, path_field):
        prefix = path_field.removesuffix("path")
        # The unit's key as the outer query names it: "unit" for "unit__path", "pk" for
        # units themselves.
        unit_ref = prefix.removesuffix("__") or "pk"
        below = Q()
        for path in _outermost(paths):
            below |= Q(**{f"{path_field}__startswith": path})
        below &= ~Q(**{f"{path_field}__in": paths})
        below &= ~Exists(
            Membership.objects.filter(unit=OuterRef(unit_ref), role__in=FILE, user__is_active=True)
        )
        own = Q(**{f"{path_field}__in": paths})
        return (own | below) & open_on(self.today, prefix=prefix)

    def units(self, roles: Collection[str] = SEE) -> QuerySet[Unit]:
        """Units the user reaches with any of `roles`: no query until evaluated."""
        return Unit.objects.filter(self.condition(roles))

    def filter(
        self, queryset: QuerySet, roles: Collection[str] = SEE, unit_field: str = "unit"
    ) -> QuerySet:
        """Restrict `queryset` of objects that belong to a unit to the scope for `roles`.

        `unit_field` is the lookup from the object to its unit ("" for units themselves).
        """
        path_field = f"{unit_field}__path" if unit_field else "path"
        return queryset.filter(self.condition(roles, path_field=path_field))

    # --- fetching one object ---------------------------------------------------------------
    def get(
        self,
        queryset: QuerySet,
        roles: Collection[str] = SEE,
        unit_field: str = "unit",
        **lookup: Any,
    ) -> Model:
        """Fetch one object of `queryset` or raise.

        Raises Http404 when the object does not exist or lies outside what the user may
        see, and PermissionDenied when the user may see it but lacks `roles` on it.
        One query; for FILE on a unit below the user's own, one more (see `allows`).
        """
        scoped = self.filter(queryset, SEE, unit_field)
        if unit_field:
            scoped = scoped.select_related(unit_field)
        try:
            obj = scoped.get(**lookup)
        except queryset.model.DoesNotExist:
            raise Http404 from None
        unit = _follow(obj, unit_field) if unit_field else obj
        if not self.allows(unit, roles):
            raise PermissionDenied
        return obj

    def get_unit(self, roles: Collection[str] = SEE, **lookup: Any) -> Unit:
        """Fetch a unit by `lookup` with the same 404/403 rule as `get`. A unit where the
        user holds a role, asked for by its pk, is already loaded: no query."""
        if lookup.keys() == {"pk"}:
            held = next((m.unit for m in self.memberships if m.unit.pk == lookup["pk"]), None)
            if held is not None:
                if not self.allows(held, roles):
                    raise PermissionDenied
                return held
        return self.get(Unit.objects.all(), roles, unit_field="", **lookup)


# The largest primary key PostgreSQL's bigint and SQLite's integer hold.
MAX_PK = 2**63 - 1


def parse_pk(value: object) -> int | None:
    """A primary key typed into an address or a form (a string of ASCII digits within the
    databases' integer range), else None. Django keeps an out-of-range number out of an
    exact lookup, not out of `pk__in`, where SQLite raises; and `str.isdigit()` passes
    digits such as "²" that `int()` refuses."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= MAX_PK else None


def _outermost(paths):
    """Drop paths that lie inside another path of the list: they add nothing to the scope."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def _follow(obj, dotted):
    for part in dotted.split("__"):
        obj = getattr(obj, part)
    return obj
