import datetime

import pytest

from tests.factories import UserFactory
from units.models import Operation, Reorganisation

JULY = datetime.date(2025, 7, 1)


@pytest.fixture
def admin_user(db):
    """A federation administrator (staff), with no role in the tree."""
    return UserFactory(username="federation_admin", is_staff=True)


@pytest.fixture
def reorganise(db):
    """reorganise(effective_on, {"action": ..., ...}, ...): a draft with those operations."""

    def make(effective_on, *operations, number="56/QĐ-LĐLĐ"):
        reorganisation = Reorganisation.objects.create(
            number=number, decided_on=effective_on, effective_on=effective_on
        )
        for position, operation in enumerate(operations, start=1):
            Operation.objects.create(reorganisation=reorganisation, position=position, **operation)
        return reorganisation

    return make
