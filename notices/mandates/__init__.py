"""Mandates: the creditor's authority to the advocate, accepted with a one-time code, sealed by the
platform and countersigned with the advocate's DSC; no notice is approved without one in force."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Add the mandate routes to the `notices` blueprint, which notices.drafting registers."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    import notices.mandates.views  # noqa: F401
