import pytest

from portal.cases.states import CaseStatus
from tests.factories import CaseFactory, CreditorFactory


@pytest.fixture
def setup(db_session, auth, client):
    """A signed-in creditor and its filed case, ready for evidence."""
    creditor = CreditorFactory()
    case = CaseFactory(creditor=creditor.organization, _status=CaseStatus.FILED)
    auth.login_as(creditor)
    return creditor, case
