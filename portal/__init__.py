"""Sulah web application: the app factory."""
from __future__ import annotations

import logging
import warnings

from flask import Flask

from portal.config import PROJECT_ROOT, Config
from portal.web.json import ExactJSONProvider

# cryptography 51 deprecates DSA and pyHanko (pyhanko/sign/signers/pdf_cms.py) still imports
# DSAPrivateKey at import time; Sulah never signs with DSA. Scoped to pyHanko's modules, as in the
# test configuration (pyproject.toml), so the web and worker logs stay quiet.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")


def create_app(config: Config | dict | None = None) -> Flask:
    config = config if config is not None else Config()
    settings = config.as_dict() if isinstance(config, Config) else dict(config)
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "portal" / "static"),
                instance_path=str(settings["INSTANCE_PATH"]))
    app.config.update(settings)
    app.json = ExactJSONProvider(app)  # JSON fractions as Decimal: amounts keep their paise

    # Imported when the app is created: every feature imports this package (`portal`) first, so
    # importing them at the top of this module would be a cycle.
    from arbitration import init_arbitration
    from evidence import init_evidence
    from notices import init_notices
    from portal import cli, database, i18n, security
    from portal.accounts import init_accounts
    from portal.api import init_api
    from portal.apikeys import init_apikeys
    from portal.cases import init_cases
    from portal.celery import celery_init_app
    from portal.debtor import init_debtor
    from portal.dev import init_dev
    from portal.imports import init_imports
    from portal.notifications import init_notifications
    from portal.payments import init_payments
    from portal.rates import init_rates
    from portal.receivables import init_receivables
    from portal.web import boundary, init_web
    from portal.web import errors as web_errors
    from portal.web import uploads as web_uploads
    from portal.webhooks import init_webhooks

    _quiet_libraries()
    import portal.models  # noqa: F401  (registers every feature's mapped classes)

    database.init_database(app)
    i18n.init_i18n(app)
    boundary.init_boundary(app)  # first registered, so it ends the request after every other hook
    security.init_security(app)
    web_uploads.init_uploads(app)  # file parts stream into a staging file, written once
    init_accounts(app)
    init_apikeys(app)
    init_cases(app)
    init_imports(app)
    init_notices(app)
    init_debtor(app)
    init_payments(app)
    init_arbitration(app)
    init_evidence(app)
    init_notifications(app)
    init_rates(app)
    init_receivables(app)
    init_api(app)  # /api/v1: above every feature it describes
    init_webhooks(app)
    init_web(app)
    init_dev(app)
    web_errors.init_errors(app)
    cli.init_cli(app)
    celery_init_app(app)
    return app


def _quiet_libraries() -> None:
    """WeasyPrint logs each rendering step and fontTools each font subset at INFO/DEBUG: a line per
    table of every PDF in a worker's log. Their warnings and errors still show."""
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
