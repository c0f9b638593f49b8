"""Online dispute resolution and arbitration, one sub-package per stage: odr (the room, offers, blind
bidding, conciliation), settlement (the agreement and its instalments), invocation (the basis and the
s.21 notice), tribunal, proceedings and awards. Each registers its own blueprints in init_app.

The door: other packages import the names in `__all__` from `arbitration`, never its modules."""
from flask import Flask

from arbitration import permissions  # noqa: F401  (registers the package's actions with the policy)
from arbitration.invocation.basis import record_clause
from arbitration.invocation.notice import draft_notice as draft_s21_notice
from arbitration.invocation.notice import invoke as invoke_arbitration
from arbitration.odr.models.offers import Offer
from arbitration.odr.offers import claim_ceiling, make_offer
from arbitration.proceedings.neutral_keys import install as install_neutral_key
from arbitration.settlement.hooks import link_destinations
from arbitration.settlement.models import InstalmentRow, SettlementAgreement
from arbitration.settlement.terms import SettlementTerms, TermsError, add_months
from arbitration.tribunal.authority import institution_may_appoint
from arbitration.tribunal.panel import update_profile as update_panel_profile

__all__ = ["InstalmentRow", "Offer", "SettlementAgreement", "SettlementTerms", "TermsError", "add_months",
           "claim_ceiling", "draft_s21_notice", "init_arbitration", "install_neutral_key",
           "institution_may_appoint", "invoke_arbitration", "link_destinations", "make_offer",
           "record_clause", "update_panel_profile"]


def init_arbitration(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from arbitration import awards, invocation, odr, proceedings, settlement, tribunal

    for part in (odr, settlement, proceedings, invocation, awards, tribunal):
        part.init_app(app)
    # Room pages link to each section whose blueprint is installed.
    app.add_template_global(lambda endpoint: endpoint in app.view_functions, "has_endpoint")
