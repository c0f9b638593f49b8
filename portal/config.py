"""Configuration from environment variables, with an embedded default that needs no servers."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def instance_secret(instance: Path, name: str) -> str:
    """Read a secret generated once into the instance folder; create it on first use."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class Config:
    """Production-shaped settings; every value can be overridden from the environment."""

    def __init__(self) -> None:
        env = os.environ
        self.INSTANCE_PATH = Path(env.get("SULAH_INSTANCE", PROJECT_ROOT / "instance")).resolve()
        self.INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
        inst = self.INSTANCE_PATH
        # Production unless told otherwise: a deployment that forgets SULAH_ENV must not expose
        # /dev/outbox or send cookies over plain HTTP. `make run` and the tests say development.
        self.ENV_NAME = env.get("SULAH_ENV", "production")
        self.DEVELOPMENT = self.ENV_NAME == "development"

        self.SECRET_KEY = env.get("SECRET_KEY") or instance_secret(inst, "secret_key")
        # Separate key for encrypting secrets at rest (TOTP seeds, later DSC keys).
        self.DATA_KEY = env.get("SULAH_DATA_KEY") or instance_secret(inst, "data_key")

        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or f"sqlite:///{inst / 'sulah.sqlite'}"
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # A streaming read replica for the dashboards' and collections' figures (portal.database
        # `replica_reads`); unset: the primary serves them. README, "Deployment".
        self.DATABASE_REPLICA_URL = env.get("DATABASE_REPLICA_URL") or None
        # After a person's own change (a POST that wrote), their browser reads from the primary this
        # long, so the page they are sent to shows what they just did whatever the replica's lag.
        self.REPLICA_AFTER_WRITE_SECONDS = float(env.get("REPLICA_AFTER_WRITE_SECONDS", "10"))
        self.EVIDENCE_STORE = env.get("EVIDENCE_STORE") or f"fs:{inst / 'evidence'}"
        self.EVIDENCE_MAX_BYTES = int(env.get("EVIDENCE_MAX_BYTES", 25 * 1024 * 1024))

        # The embedded broker: a SQLite file through kombu's SQLAlchemy transport, as portal/broker.py
        # adapts it for the `sqlite:` scheme (a wait for messages that ends when the worker stops).
        broker = env.get("CELERY_BROKER_URL") or f"sqlite:///{inst / 'celery-broker.sqlite'}"
        backend = env.get("CELERY_RESULT_BACKEND") or f"db+sqlite:///{inst / 'celery-results.sqlite'}"
        self.CELERY = {
            "broker_url": broker,
            "result_backend": backend,
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
            "timezone": "UTC",
            "enable_utc": True,
            "beat_schedule_filename": str(inst / "celerybeat-schedule"),
            "task_default_queue": env.get("CELERY_QUEUE", "celery"),
            # WeasyPrint keeps growing by ~60 KB a render; prefork children are replaced after this
            # many tasks so a long-lived worker's memory stays flat (no effect on the threads pool).
            "worker_max_tasks_per_child": int(env.get("CELERY_MAX_TASKS_PER_CHILD", 500)),
        }

        self.MAIL_SERVER = env.get("MAIL_SERVER", "127.0.0.1")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "8025"))
        self.MAIL_USE_STARTTLS = _bool("MAIL_USE_STARTTLS", False)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD")
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "Sulah <no-reply@sulah.localhost>")
        self.OUTBOX_PATH = inst / "outbox"
        self.MAIL_TIMEOUT = float(env.get("MAIL_TIMEOUT", 30))
        # A worker keeps its SMTP connection open between messages (portal/adapters/mail.py): for at
        # most this many idle seconds (0: a new connection per message), and this many messages.
        self.MAIL_CONNECTION_IDLE_SECONDS = float(env.get("MAIL_CONNECTION_IDLE_SECONDS", 30))
        self.MAIL_CONNECTION_MAX_MESSAGES = int(env.get("MAIL_CONNECTION_MAX_MESSAGES", 100))
        # DKIM signing of served notices (dkimpy) when all three are set.
        self.MAIL_DKIM_SELECTOR = env.get("MAIL_DKIM_SELECTOR")
        self.MAIL_DKIM_DOMAIN = env.get("MAIL_DKIM_DOMAIN")
        self.MAIL_DKIM_KEY_FILE = env.get("MAIL_DKIM_KEY_FILE")
        # Each dispatch gets its own bounce address bounces+<token>@MAIL_BOUNCE_DOMAIN (VERP).
        self.MAIL_BOUNCE_DOMAIN = env.get("MAIL_BOUNCE_DOMAIN", "sulah.localhost")
        # Shared secret of the inbound-mail webhook (HMAC-SHA256 of the raw message).
        self.INBOUND_MAIL_SECRET = env.get("INBOUND_MAIL_SECRET") or instance_secret(inst, "inbound_mail")
        # Serving notices: a claim on a dispatch lasts this long before another worker may retry it;
        # transient failures back off exponentially from the base, with jitter, up to the cap.
        self.DISPATCH_LEASE_SECONDS = float(env.get("DISPATCH_LEASE_SECONDS", 300))
        # The outbox (portal/outbox.py): a published task that has not run after this long is
        # published again; a run holds its row this long; a row is given up after this many runs.
        self.OUTBOX_REPUBLISH_SECONDS = float(env.get("OUTBOX_REPUBLISH_SECONDS", 300))
        self.OUTBOX_LEASE_SECONDS = float(env.get("OUTBOX_LEASE_SECONDS", 600))
        self.OUTBOX_MAX_RUNS = int(env.get("OUTBOX_MAX_RUNS", 10))
        # A delivery-proof certificate still behind its timeline this long after the last event is
        # refreshed by the sweep (beat, every minute): current within this plus a minute.
        self.PROOF_STALE_SECONDS = float(env.get("PROOF_STALE_SECONDS", 120))
        # A notice's delivery events within this long of the first make one certificate render.
        self.PROOF_DEBOUNCE_SECONDS = float(env.get("PROOF_DEBOUNCE_SECONDS", 5))
        self.DISPATCH_RETRY_BASE_SECONDS = float(env.get("DISPATCH_RETRY_BASE_SECONDS", 30))
        self.DISPATCH_RETRY_CAP_SECONDS = float(env.get("DISPATCH_RETRY_CAP_SECONDS", 3600))
        self.DISPATCH_MAX_ATTEMPTS = int(env.get("DISPATCH_MAX_ATTEMPTS", 10))
        # E-mail dispatches a worker claims, sends and settles together (notices/serving/burst.py);
        # 1 sends each on its own.
        self.DISPATCH_BURST = int(env.get("DISPATCH_BURST", 50))
        # Outbound webhooks (portal/webhooks): production calls only https URLs on public addresses;
        # development (and the tests) may call http and private addresses such as 127.0.0.1.
        self.WEBHOOK_ALLOW_HTTP = _bool("WEBHOOK_ALLOW_HTTP", self.DEVELOPMENT)
        self.WEBHOOK_ALLOW_PRIVATE = _bool("WEBHOOK_ALLOW_PRIVATE", self.DEVELOPMENT)
        self.WEBHOOK_TIMEOUT_SECONDS = float(env.get("WEBHOOK_TIMEOUT_SECONDS", 10))
        # Retries double from the base up to the cap, for this long after the event; after a secret
        # is rotated the previous one also signs for the overlap.
        self.WEBHOOK_RETRY_BASE_SECONDS = float(env.get("WEBHOOK_RETRY_BASE_SECONDS", 30))
        self.WEBHOOK_RETRY_CAP_SECONDS = float(env.get("WEBHOOK_RETRY_CAP_SECONDS", 4 * 3600))
        self.WEBHOOK_RETRY_WINDOW_HOURS = float(env.get("WEBHOOK_RETRY_WINDOW_HOURS", 24))
        self.WEBHOOK_ROTATION_OVERLAP_HOURS = float(env.get("WEBHOOK_ROTATION_OVERLAP_HOURS", 24))
        # The endpoint page's log of events, deliveries and attempts is kept this long once ended.
        self.WEBHOOK_KEEP_DAYS = int(env.get("WEBHOOK_KEEP_DAYS", 30))
        self.DEBTOR_LINK_DAYS = int(env.get("DEBTOR_LINK_DAYS", 120))
        # One-time codes (portal/onetime_codes.py): the debtor's link, accepting a settlement.
        self.ONE_TIME_CODE_MINUTES = int(env.get("ONE_TIME_CODE_MINUTES", 10))
        self.ONE_TIME_CODE_ATTEMPTS = int(env.get("ONE_TIME_CODE_ATTEMPTS", 5))      # wrong tries per code
        self.ONE_TIME_CODE_SENDS_PER_HOUR = int(env.get("ONE_TIME_CODE_SENDS_PER_HOUR", 5))
        self.DEBTOR_SESSION_HOURS = int(env.get("DEBTOR_SESSION_HOURS", 12))
        self.REMINDER_DAYS_BEFORE = int(env.get("REMINDER_DAYS_BEFORE", 3))
        # Debtor payments (portal/adapters/razorpay_links.py): "none" offers the UPI link and QR only,
        # "razorpay" adds a Razorpay payment link; RAZORPAY_BASE_URL only to point the SDK elsewhere.
        # SMS and WhatsApp (portal/adapters/sms.py, whatsapp.py); "outbox" writes to instance/outbox.
        self.SMS_PROVIDER = env.get("SMS_PROVIDER", "outbox")
        self.SMS_GATEWAY_URL = env.get("SMS_GATEWAY_URL")
        self.SMS_GATEWAY_KEY = env.get("SMS_GATEWAY_KEY")
        self.SMS_GATEWAY_SECRET = env.get("SMS_GATEWAY_SECRET")
        self.SMS_SENDER = env.get("SMS_SENDER", "SULAHN")  # the DLT sender header
        self.SMS_DLT_ENTITY_ID = env.get("SMS_DLT_ENTITY_ID")
        # {"notice_served": "<DLT template id>" or {"id": ..., "text": "<registered text, {#var#}>"},
        #  "reminder_served": ..., "odr_invite_served": ..., "invocation_served": ...,
        #  "invocation_hi_served": ...}  (portal/adapters/dlt.py)
        self.SMS_DLT_TEMPLATES = json.loads(env.get("SMS_DLT_TEMPLATES", "{}"))
        self.SMS_URL_WHITELIST = [d.strip() for d in env.get(
            "SMS_URL_WHITELIST", urlsplit(env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")).hostname or "")
            .split(",") if d.strip()]
        # SMS_PROVIDER = "twilio": TWILIO_FROM is the DLT sender id or a Messaging Service SID (MG...);
        # TWILIO_API_BASE only to point the SDK elsewhere.
        self.TWILIO_ACCOUNT_SID = env.get("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = env.get("TWILIO_AUTH_TOKEN")
        self.TWILIO_FROM = env.get("TWILIO_FROM")
        self.TWILIO_API_BASE = env.get("TWILIO_API_BASE")
        self.WHATSAPP_PROVIDER = env.get("WHATSAPP_PROVIDER", "outbox")
        self.WHATSAPP_TEMPLATE_LANGUAGE = env.get("WHATSAPP_TEMPLATE_LANGUAGE", "en")
        self.WHATSAPP_API_URL = env.get("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
        self.WHATSAPP_PHONE_NUMBER_ID = env.get("WHATSAPP_PHONE_NUMBER_ID")
        self.WHATSAPP_TOKEN = env.get("WHATSAPP_TOKEN")
        self.WHATSAPP_APP_SECRET = env.get("WHATSAPP_APP_SECRET")
        self.WHATSAPP_VERIFY_TOKEN = env.get("WHATSAPP_VERIFY_TOKEN")
        self.PAYMENT_GATEWAY = env.get("PAYMENT_GATEWAY", "none")
        self.RAZORPAY_KEY_ID = env.get("RAZORPAY_KEY_ID")
        self.RAZORPAY_KEY_SECRET = env.get("RAZORPAY_KEY_SECRET")
        self.RAZORPAY_WEBHOOK_SECRET = env.get("RAZORPAY_WEBHOOK_SECRET")
        self.RAZORPAY_BASE_URL = env.get("RAZORPAY_BASE_URL")

        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        # Reverse proxies in front of the app; their X-Forwarded-For gives the client address.
        self.PROXY_HOPS = int(env.get("PROXY_HOPS", 0))
        self.RATELIMIT_HEADERS_ENABLED = True
        # Calls to /api/ per key (or signed-in user, or address): RFC 6585 429 beyond it.
        self.API_RATE_LIMIT = env.get("SULAH_API_RATE_LIMIT", "600/minute")
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour")

        secure = _bool("SESSION_COOKIE_SECURE", not self.DEVELOPMENT)
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_SECURE = secure
        self.SESSION_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.FORCE_HTTPS = _bool("FORCE_HTTPS", not self.DEVELOPMENT)
        self.PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
        self.WTF_CSRF_TIME_LIMIT = 60 * 60 * 8

        self.PASSWORD_RESET_MAX_AGE = int(env.get("PASSWORD_RESET_MAX_AGE", 3600))
        self.INVITATION_DAYS = int(env.get("INVITATION_DAYS", 7))
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        # Who signs Part A of the BSA s.63 certificate on delivery proofs (evidence/certificate.py): the
        # platform operator, its signatory and designation, the place, and the system as it is run
        # (e.g. "Sulah 3.2 on AWS Mumbai (ap-south-1): ECS service sulah-web, RDS PostgreSQL sulah-prod").
        # Production must set every one: a certificate is never sealed with a blank. Development has
        # demonstration values that say so.
        demo = {"address": "Demonstration address, Pune 411001", "signatory": "Demonstration Signatory",
                "designation": "Director (demonstration)", "place": "Pune (demonstration)",
                "system": "Sulah development instance (demonstration, not a production system)"}
        self.PLATFORM_OPERATOR = {
            "name": env.get("PLATFORM_OPERATOR_NAME", "Sulah Technologies Private Limited"),
            **{key: env.get(f"PLATFORM_OPERATOR_{key.upper()}", value if self.DEVELOPMENT else "")
               for key, value in demo.items()},
        }
        self._signing_config(env)
        # Settlements (portal/seal.py, arbitration/settlement/instalments.py): the platform's PAdES seal
        # (a PKCS#12 file; unset in development: a demonstration seal in the instance folder), the days
        # after a due date before a missed instalment is a default, and how many days ahead the debtor
        # is reminded.
        self.PLATFORM_SEAL_PKCS12 = env.get("PLATFORM_SEAL_PKCS12")
        self.PLATFORM_SEAL_PASSPHRASE = env.get("PLATFORM_SEAL_PASSPHRASE", "")
        self.SETTLEMENT_GRACE_DAYS = int(env.get("SETTLEMENT_GRACE_DAYS", 7))
        self.SETTLEMENT_REMINDER_DAYS = int(env.get("SETTLEMENT_REMINDER_DAYS", 3))
        self.DEV_OUTBOX_ENABLED = self.DEVELOPMENT and _bool("DEV_OUTBOX", True)
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", 30 * 1024 * 1024))

    def _signing_config(self, env) -> None:
        """How advocates sign notices (notices/signing/providers.py). PEM values: inline or a file path."""
        # Aadhaar eSign through an eSign Service Provider (CCA eSign API 2.1).
        self.ESIGN_ESP_URL = env.get("ESIGN_ESP_URL")
        self.ESIGN_ASP_ID = env.get("ESIGN_ASP_ID")
        self.ESIGN_ASP_KEY = env.get("ESIGN_ASP_KEY")
        self.ESIGN_ASP_CERT = env.get("ESIGN_ASP_CERT")
        self.ESIGN_ESP_CERT = env.get("ESIGN_ESP_CERT")
        self.ESIGN_RESPONSE_URL = env.get("ESIGN_RESPONSE_URL") or \
            f"{self.PUBLIC_BASE_URL.rstrip('/')}/esign/aadhaar/response"
        self.ESIGN_AUTH_MODE = env.get("ESIGN_AUTH_MODE", "1")
        # Several web processes: keep ceremony state in Redis (one process: in memory).
        self.ESIGN_PENDING_REDIS_URL = env.get("ESIGN_PENDING_REDIS_URL")
        # DocuSign embedded signing (JWT grant) and its Connect webhook (HMAC keys, newest first).
        self.DOCUSIGN_INTEGRATION_KEY = env.get("DOCUSIGN_INTEGRATION_KEY")
        self.DOCUSIGN_USER_ID = env.get("DOCUSIGN_USER_ID")
        self.DOCUSIGN_PRIVATE_KEY = env.get("DOCUSIGN_PRIVATE_KEY")
        self.DOCUSIGN_OAUTH_HOST = env.get("DOCUSIGN_OAUTH_HOST", "account-d.docusign.com")
        self.DOCUSIGN_ACCOUNT_ID = env.get("DOCUSIGN_ACCOUNT_ID")
        self.DOCUSIGN_BASE_PATH = env.get("DOCUSIGN_BASE_PATH")
        self.DOCUSIGN_CONNECT_SECRETS = env.get("DOCUSIGN_CONNECT_SECRETS")
        self.DOCUSIGN_CA_BUNDLE = env.get("DOCUSIGN_CA_BUNDLE")
        self.DOCUSIGN_SIGN_ANCHOR = env.get("DOCUSIGN_SIGN_ANCHOR")
        self.DOCUSIGN_SIGNATURE_PROVIDER = env.get("DOCUSIGN_SIGNATURE_PROVIDER")
        # Offered to the advocate, in this order; a provider whose settings are incomplete is not offered.
        # Default: the advocate's DSC, plus eSign and DocuSign when their settings are present.
        listed = [name.strip() for name in env.get("SIGNING_PROVIDERS", "").split(",") if name.strip()]
        present = {"aadhaar_esign": self.ESIGN_ESP_URL, "docusign": self.DOCUSIGN_INTEGRATION_KEY}
        self.SIGNING_PROVIDERS = listed or ["pades_dsc"] + [name for name, key in present.items() if key]
        # DSC signatures: an RFC 3161 timestamp authority (PAdES B-T) and the PKCS#11 module through
        # which advocates' tokens or an HSM attached to the signing server are reached.
        self.SIGNING_TSA_URL = env.get("SIGNING_TSA_URL")
        self.SIGNING_TSA_USERNAME = env.get("SIGNING_TSA_USERNAME")
        self.SIGNING_TSA_PASSWORD = env.get("SIGNING_TSA_PASSWORD")
        self.SIGNING_TSA_TIMEOUT = float(env.get("SIGNING_TSA_TIMEOUT", "10"))
        self.PKCS11_MODULE = env.get("PKCS11_MODULE")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestConfig(Config):
    """Settings for the test suite: a throwaway instance folder, tasks run eagerly unless a test asks."""

    def __init__(self, instance: Path, database_url: str) -> None:
        os.environ.setdefault("SULAH_ENV", "development")
        os.environ["SULAH_INSTANCE"] = str(instance)
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.DATABASE_REPLICA_URL = None  # a test that wants one sets it
        self.EVIDENCE_STORE = f"fs:{instance / 'evidence'}"
        self.CELERY = dict(self.CELERY, task_always_eager=True, task_eager_propagates=True)
        self.RATELIMIT_STORAGE_URI = "memory://"
