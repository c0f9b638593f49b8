"""Claims: parties, cases, invoices, payments, the state machine, intake and the case pages."""
from flask import Flask

from portal.cases import permissions  # noqa: F401  (registers the package's actions with the policy)
from portal.cases.amounts import Computation
from portal.cases.api import CaseIn
from portal.cases.assignment import engaged_advocates, find_engaged_advocate
from portal.cases.debtors import debtor_groups
from portal.cases.due_dates import OBJECTION_WINDOW_DAYS, DueDateError
from portal.cases.facts import CaseFacts, DebtorFacts, FactsInvalid, InvoiceFacts, PaymentFacts, check_facts
from portal.cases.hooks import (
    case_list_parts,
    case_page_parts,
    debtor_owned_by,
    invoices_on_record,
    next_instalment,
    payments_on_record,
    record_recovery_payment,
    settlement_outstanding,
)
from portal.cases.intake import add_invoices, create_case, create_cases, today_ist
from portal.cases.intake import snapshot as case_snapshot
from portal.cases.interest import ComputationError
from portal.cases.listing import AGEING, PAGE_SIZE, SORTS, BadListQuery, ListQuery, bucket_label, page
from portal.cases.listing import parse as parse_list_query
from portal.cases.lookup import case_for
from portal.cases.models import (
    Case,
    ClaimType,
    ContactKind,
    Invoice,
    Party,
    Payment,
    PaymentMethod,
    PaymentSource,
)
from portal.cases.position import Position

# Not `position`: that is also the submodule's name, and an import of it would read as the module's.
from portal.cases.position import position as case_position
from portal.cases.reckoning import case_limitation, compute_case
from portal.cases.services import assign_advocate, record_payment, visible_cases
from portal.cases.states import CASE, CaseStatus, transition_for
from portal.cases.transitions import fire
from portal.cases.views import load_case
from portal.cases.windows import (
    AWARD_STATUSES,
    INVOCABLE_STATUSES,
    OPEN_STATUSES,
    PAYABLE_STATUSES,
    PROCEEDINGS_STATUSES,
    RESPONSE_STATUSES,
    ROOM_OPEN_STATUSES,
    ROOM_VISIBLE_STATUSES,
    SERVABLE_STATUSES,
    SERVED_STATUSES,
)

__all__ = ["AGEING", "AWARD_STATUSES", "add_invoices", "debtor_groups", "ListQuery", "bucket_label",
           "BadListQuery", "CASE", "Case", "CaseFacts", "CaseIn", "CaseStatus",
           "ClaimType", "Computation", "ComputationError", "ContactKind", "DebtorFacts", "DueDateError",
           "FactsInvalid", "INVOCABLE_STATUSES", "Invoice", "InvoiceFacts", "OBJECTION_WINDOW_DAYS",
           "OPEN_STATUSES", "PAGE_SIZE", "PAYABLE_STATUSES", "PROCEEDINGS_STATUSES", "Party", "Payment",
           "PaymentFacts", "PaymentMethod", "PaymentSource", "Position", "RESPONSE_STATUSES",
           "ROOM_OPEN_STATUSES", "ROOM_VISIBLE_STATUSES", "SERVABLE_STATUSES", "SERVED_STATUSES", "SORTS",
           "assign_advocate", "case_for", "case_limitation", "case_list_parts", "case_page_parts",
           "case_position", "case_snapshot", "check_facts", "compute_case", "create_case", "create_cases",
           "debtor_owned_by", "engaged_advocates", "find_engaged_advocate", "fire", "init_cases",
           "invoices_on_record", "load_case",
           "next_instalment", "page", "parse_list_query", "payments_on_record", "record_payment",
           "record_recovery_payment", "settlement_outstanding", "today_ist", "transition_for",
           "visible_cases"]


def init_cases(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.cases import (  # noqa: F401  (routes attach to the blueprints)
        api,
        assignment_views,
        intake_views,
        records_views,
        totals,  # keeps each case's stored sums on every flush
    )
    from portal.cases.computation_words import line_sentence
    from portal.cases.limitation_words import limitation_step, limitation_summary
    from portal.cases.views import bp

    app.jinja_env.globals["line_sentence"] = line_sentence  # templates/cases/_computation.html
    app.jinja_env.globals["limitation_summary"] = limitation_summary  # likewise
    app.jinja_env.globals["limitation_step"] = limitation_step
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
