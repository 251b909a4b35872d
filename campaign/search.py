"""The portal's search: units, plans, annual reports, obstacles and inspections that the user
may see, found by words typed without their accents.

Every word of the query must match (in any order) one of the searched texts of an object:
its own (a plan's or a report's document number, an obstacle's subject, an inspection's
findings, a report's year) or its unit's name, short name and code. Both sides are compared folded
(units.folding: lower case, no diacritics, "đ" as "d"), so "chau thanh" finds "Châu Thành".
The columns are folded by the same SQL expression PostgreSQL's trigram indexes are built on
(migrations units.0007 and 0011, campaign.0017 and 0029), so a search of the unit tree is an
index scan.

Nothing outside the user's scope is ever searched: each kind of object is first restricted
through `Scope.filter` (what the user may see, as the object's own page would allow).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaign.models import AnnualReport, Inspection, Obstacle, Plan
from units.access import SEE, Scope
from units.folding import Fold, fold
from units.models import Unit

MIN_LENGTH = 2  # one letter would match nearly everything
MAX_LENGTH = 100
MAX_WORDS = 8
SHOWN = 10  # per kind on the results page; the rest are one link away

# Punctuation around a word is not part of it ("Thành," or "(Châu"); inside it is kept, since
# document numbers are written "12/KH-LĐLĐ".
_EDGES = "\"'“”‘’.,;:!?()[]{}«»…"


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    model: type
    related: tuple[str, ...]
    unit_field: str  # from the object to its unit; "" for units themselves
    texts: tuple  # field names or expressions whose folded text a word may match
    order: tuple[str, ...]

    def objects(self) -> QuerySet:
        queryset = self.model.objects.all()
        return queryset.select_related(*self.related) if self.related else queryset


UNIT_TEXTS = ("unit__name", "unit__short_name", "unit__code")

KINDS = {
    kind.key: kind
    for kind in (
        Kind("units", _("Units"), Unit, (), "", ("name", "short_name", "code"), ("path",)),
        Kind(
            "plans",
            _("Plans"),
            Plan,
            ("unit", "campaign"),
            "unit",
            ("doc_number", *UNIT_TEXTS),
            ("unit__path", "-campaign__issued_on", "pk"),
        ),
        Kind(
            "reports",
            _("Annual reports"),
            AnnualReport,
            ("unit", "campaign", "period"),
            "unit",
            ("doc_number", Cast("year", CharField()), *UNIT_TEXTS),
            ("-year", "unit__path", "pk"),
        ),
        Kind(
            "obstacles",
            _("Obstacles"),
            Obstacle,
            ("unit", "campaign"),
            "unit",
            ("subject", *UNIT_TEXTS),
            ("-raised_at", "-pk"),
        ),
        Kind(
            "inspections",
            _("Inspections"),
            Inspection,
            ("unit", "campaign"),
            "unit",
            ("findings", *UNIT_TEXTS),
            ("-visited_on", "-pk"),
        ),
    )
}


@dataclass
class Group:
    """One kind's results: the first `items` and how many there are in all."""

    kind: Kind
    items: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def words(query: str) -> list[str]:
    """The words of `query`, stripped of the punctuation around them and of invisible
    characters (a zero-width space pasted with a name); a word with no letter or digit
    once folded (accents alone: it would match everything) is dropped."""
    visible = "".join(char for char in query if unicodedata.category(char) != "Cf")
    found = (word.strip(_EDGES) for word in re.split(r"\s+", visible))
    return [word for word in found if any(char.isalnum() for char in fold(word))]


def matching(queryset: QuerySet, texts: tuple, query_words: list[str]) -> QuerySet:
    """Rows of `queryset` where every word is in one of `texts`, compared folded.

    The word is folded by the database too (`portal_fold('…')`, a constant the planner
    computes once), so both sides are folded by one and the same function on each backend.
    """
    folded = {f"folded_{n}": Fold(text) for n, text in enumerate(texts)}
    queryset = queryset.alias(**folded)
    for word in query_words:
        needle = Fold(Value(word))
        condition = Q()
        for name in folded:
            condition |= Q(**{f"{name}__contains": needle})
        queryset = queryset.filter(condition)
    return queryset


def found(scope: Scope, kind: Kind, query_words: list[str]) -> QuerySet:
    """The objects of `kind` the user may see that match every word, in the kind's order.
    No query until evaluated."""
    scoped = scope.filter(kind.objects(), SEE, unit_field=kind.unit_field)
    return matching(scoped, kind.texts, query_words).order_by(*kind.order)


def search(scope: Scope, query_words: list[str], shown: int = SHOWN) -> list[Group]:
    """The first `shown` results of each kind and their number: two queries per kind (none
    for a user who sees nothing)."""
    groups = []
    for kind in KINDS.values():
        results = found(scope, kind, query_words)
        items = list(results[:shown])
        count = len(items) if len(items) < shown else results.count()
        groups.append(Group(kind, items, count))
    return groups
