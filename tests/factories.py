import datetime

import factory

from campaign.models import Campaign
from units.models import Membership, Unit, User

PASSWORD = "secret-pass-123"  # every UserFactory user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: f"Người dùng {o.username}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class UnitFactory:
    """Units live in a tree, so they are added under a parent rather than built freely."""

    counter = 0

    @classmethod
    def create(cls, parent=None, kind=Unit.Kind.GRASSROOTS, **fields):
        cls.counter += 1
        fields.setdefault("code", f"U{cls.counter:05d}")
        fields.setdefault("name", f"Đơn vị {fields['code']}")
        fields["kind"] = kind
        if parent is None:
            return Unit.objects.add_root(create_kwargs=fields)
        return Unit.objects.add_child(parent, create_kwargs=fields)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OFFICER


class CampaignFactory(factory.django.DjangoModelFactory):
    """A bare campaign: no themes, no indicators, no periods yet. Issued 10/06/2015, 2015 its
    first year, plans due 31/07/2015. The issuer has no default (pass the tree's province,
    `issuer=tree["PV"]`); any other field a test relies on is passed too."""

    class Meta:
        model = Campaign

    slug = "test-campaign"
    number = "99/KH-LĐLĐ"
    title = "Kế hoạch tuyên truyền thử nghiệm"
    issued_on = datetime.date(2015, 6, 10)
    directive = "Kế hoạch số 1/KH-UBND"
    first_year = 2015
    plan_due_on = datetime.date(2015, 7, 31)
