import pytest

from tests.factories import CreditorFactory


@pytest.fixture
def creditor(db_session, auth):
    """A signed-in creditor whose organisation has no Udyam number (commercial claims)."""
    user = CreditorFactory(organization__udyam_number=None)
    auth.login_as(user)
    return user
