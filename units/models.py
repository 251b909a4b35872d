"""The federation tree, its users and who holds which role where."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


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

    def open_on(self, day):
        """Units that exist on `day`: opened by then and not yet closed."""
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def in_subtree(self, *paths):
        """Units at or below any of the given tree paths, in one indexed prefix scan."""
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class UnitManager(MP_NodeManager):
    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def open_on(self, day):
        return self.get_queryset().open_on(day)

    def in_subtree(self, *paths):
        return self.get_queryset().in_subtree(*paths)

    def move(self, node, target, pos=None):
        # treebeard rewrites the paths with UPDATE queries, which send no signal.
        from units.dataversion import bump_data_version

        result = super().move(node, target, pos)
        bump_data_version()
        return result


class Unit(MP_Node):
    """A node of the federation tree. Units are closed or merged, never deleted."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincial federation")
        DISTRICT = "district", _("District or city federation")
        SECTOR = "sector", _("Sector union")
        CIVIL_SERVANTS = "civil_servants", _("Civil servants union")
        INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
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

    def clean(self):
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

    def is_open_on(self, day):
        return (self.opened_on is None or self.opened_on <= day) and (
            self.closed_on is None or self.closed_on > day
        )

    @property
    def is_open(self):
        return self.is_open_on(datetime.date.today())

    def close(self, day, successor=None):
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
