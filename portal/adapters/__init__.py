"""Outside capabilities (mail, SMS, WhatsApp, payments, e-sign) behind small interfaces.

The door: other packages import these names from `portal.adapters`, never its modules. Names that
would be ambiguous here carry their capability (`send_mail`, `queue_mail`, `MailMessage`)."""
from portal.adapters.esign.aadhaar import AadhaarESignProvider, transaction_of
from portal.adapters.esign.base import (
    STAMP_BOX_LEFT,
    Signer,
    SigningError,
    SigningProvider,
    SigningResult,
    SigningStatus,
    SignRequest,
)
from portal.adapters.esign.democert import make_demo_pkcs12
from portal.adapters.esign.docusign import (
    DocuSignProvider,
    DocuSignSettings,
    connect_envelope_id,
    verify_connect_hmac,
)
from portal.adapters.esign.pades import PadesProvider, TsaSettings, load_signer, timestamper_for
from portal.adapters.esign.tokens import Pkcs11Key
from portal.adapters.mail import Message as MailMessage
from portal.adapters.mail import SmtpPermanent, SmtpTransient
from portal.adapters.mail import deliver as deliver_mail
from portal.adapters.mail import new_message as new_mail_message
from portal.adapters.mail import one_line as one_line_header
from portal.adapters.mail import queue as queue_mail
from portal.adapters.mail import send as send_mail
from portal.adapters.messaging import (
    DeliveryStatus,
    OutgoingMessage,
    PermanentFailure,
    StatusUpdate,
    TransientFailure,
    WebhookRejected,
)
from portal.adapters.razorpay_links import GatewayError, PaymentEvent, RazorpayLinks, payment_gateway
from portal.adapters.sms import sms_gateway
from portal.adapters.upi import UPI_MAX_AMOUNT, payment_uri, qr_svg, validate_utr, validate_vpa
from portal.adapters.webhook_http import UnsafeAddress, post, resolve_public
from portal.adapters.whatsapp import verify_subscription, whatsapp_gateway

__all__ = ["AadhaarESignProvider", "DeliveryStatus", "DocuSignProvider", "DocuSignSettings", "GatewayError",
           "MailMessage", "OutgoingMessage", "PadesProvider", "PaymentEvent", "PermanentFailure", "Pkcs11Key",
           "RazorpayLinks", "STAMP_BOX_LEFT", "SignRequest", "Signer", "SigningError", "SigningProvider",
           "SigningResult", "SigningStatus", "SmtpPermanent", "SmtpTransient", "StatusUpdate",
           "TransientFailure", "TsaSettings", "UPI_MAX_AMOUNT", "UnsafeAddress", "WebhookRejected",
           "connect_envelope_id", "deliver_mail", "load_signer", "make_demo_pkcs12", "new_mail_message",
           "one_line_header", "payment_gateway", "payment_uri", "post", "qr_svg", "queue_mail",
           "resolve_public", "send_mail", "sms_gateway", "timestamper_for", "transaction_of", "validate_utr",
           "validate_vpa", "verify_connect_hmac", "verify_subscription", "whatsapp_gateway"]
