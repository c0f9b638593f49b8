"""`acting`: the tribunal's decision that a case's appointed neutral has accepted and disclosed, so may
act (arbitration/tribunal/appointments.py decides it; its own tests cover that). These tests take it as given."""
import pytest

from arbitration import permissions


@pytest.fixture
def acting(monkeypatch):
    accepted: set[int] = set()

    def may_act(case, user) -> bool:
        return user.id is not None and user.id == case.neutral_id and case.id in accepted

    # The arbitration registers the rules that ask the tribunal (arbitration/permissions.py).
    monkeypatch.setattr(permissions, "tribunal_may_act", may_act)
    return accepted
