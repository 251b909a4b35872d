"""Which stored file of a plan or an annual report a request may reach: the one fetch that
every view of an attachment goes through (its download and removal in
campaign.upload_pages, the check of its digital signature in reports.attachment_check), so
that they all refuse alike."""

from django.http import HttpRequest

from campaign.models import Attachment
from units.access import Scope

# The owners an attachment may have, by the name of its foreign key.
KINDS = ("plan", "report")


def scoped_attachment(
    request: HttpRequest, kind: str, owner_pk: int, pk: int, roles: frozenset
) -> Attachment:
    """The attachment `pk` of the plan or report `owner_pk`, through the access scope: a 404
    outside what the user may see, a 403 when they see it without `roles`."""
    assert kind in KINDS, kind
    return Scope.for_request(request).get(
        Attachment.objects.filter(**{f"{kind}_id": owner_pk}),
        roles,
        unit_field=f"{kind}__unit",
        pk=pk,
    )
