"""Imports every model so metadata is complete (for Alembic and for create_app)."""
from arbitration.awards.models import Award, AwardService  # noqa: F401
from arbitration.invocation.models import ArbitrationBasis  # noqa: F401
from arbitration.odr.models.offers import Bid, BiddingAgreement, Offer  # noqa: F401
from arbitration.odr.models.room import ConciliationRequest, Message, ReadMarker  # noqa: F401
from arbitration.proceedings.models import (  # noqa: F401
    Attendance,
    CalendarStep,
    ClockExtension,
    FeeDeposit,
    Hearing,
    NeutralSigningKey,
    ProceduralOrder,
    Proceedings,
    StepDocument,
)
from arbitration.settlement.models import InstalmentRow, SettlementAgreement, Signature  # noqa: F401
from arbitration.tribunal.models import (  # noqa: F401
    Appointment,
    Challenge,
    DeclaredRelationship,
    DisclosureUpdate,
    PanelListing,
)
from evidence.checkpoints import AuditCheckpoint  # noqa: F401
from evidence.models import Document, DownloadLog  # noqa: F401
from notices.bulk.models import NoticeBatch, NoticeBatchItem  # noqa: F401
from notices.mandates.models import Mandate  # noqa: F401
from notices.models import Notice, NoticeComment, NoticeVersion  # noqa: F401
from notices.serving.models import DeliveryEvent, DeliveryProof, Dispatch, ServiceTerms  # noqa: F401
from notices.signing.models import SigningCeremony  # noqa: F401
from portal.accounts.models import (  # noqa: F401
    AdvocateProfile,
    Engagement,
    Invitation,
    NeutralProfile,
    Organization,
    RecoveryCode,
    User,
)
from portal.apikeys.models import ApiKey, IdempotentResult  # noqa: F401
from portal.audit import AuditEvent, AuditHead  # noqa: F401
from portal.cases.models import (  # noqa: F401
    Acknowledgement,
    Case,
    CaseFactsVersion,
    Invoice,
    Party,
    PartyContact,
    Payment,
    ReferenceCounter,
)
from portal.debtor.models import DebtorLink, DebtorResponse  # noqa: F401
from portal.imports.models import ImportBatch  # noqa: F401
from portal.notifications.models import AttentionItem  # noqa: F401
from portal.onetime_codes import OneTimeCode  # noqa: F401
from portal.outbox import OutboxMessage  # noqa: F401
from portal.payments.models import GatewayEvent, GatewayLink, PaymentReport, Receipt  # noqa: F401
from portal.rates.models import BankRate  # noqa: F401
from portal.receivables.models import (  # noqa: F401
    DebtorSetting,
    InvoiceHold,
    Promise,
    Reminder,
    ReminderLevel,
    ReminderLink,
    ReminderMessage,
    ReminderPolicy,
)
from portal.webhooks.models import (  # noqa: F401
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
