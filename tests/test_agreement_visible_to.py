"""`selectors.agreement_visible_to`, the commitment page's access check (its commitment read
by id, `selectors.commitment_with_agreement`), holds `agreements_visible_to`'s rule."""

import pytest

from tracker import selectors
from tracker.models import Role, User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_one_agreement_is_visible_to_whoever_sees_it_among_the_visible_ones(
    agreement, restricted_agreement, viewer, analyst, admin_user
):
    # `agreement_visible_to` restates `agreements_visible_to` for one agreement: held equal.
    member = UserFactory(username="member", role=Role.ANALYST)
    restricted_agreement.teams.get().members.add(member)
    nobody = UserFactory(username="no-role")
    for user in (viewer, analyst, admin_user, member, nobody):
        for read in (True, False):
            user = User.objects.get(pk=user.pk)  # afresh: access not read yet
            if read:
                selectors.read_access(user)
            seen = set(selectors.agreements_visible_to(user).values_list("pk", flat=True))
            for shown in (agreement, restricted_agreement):
                assert selectors.agreement_visible_to(user, shown.pk) == (shown.pk in seen)


def test_a_commitment_of_a_hidden_agreement_is_not_found(client, analyst, restricted_agreement):
    client.force_login(analyst)
    hidden = restricted_agreement.commitments.get()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/commitments/999999/").status_code == 404
