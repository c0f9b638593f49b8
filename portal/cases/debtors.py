"""One debtor across a creditor's claims. Each claim keeps the debtor as its facts name it (its own
Party row, versioned with the claim), so two claims against one business are two rows; what is owed
to the debtor as a whole, such as the one daily cap on messages to it (DOMAIN 24 and 28), finds the
rows by what identifies the business: the same GSTIN, or the same legal name (a ledger without
GSTINs names its debtors so), among the rows the same organisation made.

Rows are joined rather than split where the two tests disagree (a row with the GSTIN and another
with only the name): counted together, a cap errs towards fewer messages, never more."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from portal.cases.models import Party
from portal.extensions import db


def _same(party_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """For each party, its organisation's parties that name the same debtor (itself included);
    one statement, each row found by index (the GSTIN's, and the organisation's names)."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    mine, other = aliased(Party), aliased(Party)
    found: dict[int, set[int]] = {party_id: {party_id} for party_id in ids}
    for party_id, same_id in db.session.execute(
            select(mine.id, other.id).join(other, and_(
                other.created_by_org_id == mine.created_by_org_id,
                or_(other.gstin == mine.gstin, other.legal_name == mine.legal_name)))
            .where(mine.id.in_(ids))):
        found[party_id].add(same_id)
    return {party_id: frozenset(same) for party_id, same in found.items()}


def debtor_groups(party_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Each party's debtor as one set of parties: the sets joined wherever they share a
    party, so that parties counted together in one pass (a burst's debtors) share one count."""
    groups = _same(party_ids)
    joined: dict[int, set[int]] = {}
    for same in groups.values():
        merged = set(same)
        for member in same:
            if member in joined:
                merged |= joined[member]
        for member in merged:
            joined[member] = merged
    return {party_id: frozenset(joined[party_id]) for party_id in groups}
