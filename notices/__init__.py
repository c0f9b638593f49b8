"""Legal notices: drafting and advocate review, signing and public verification, service with proof of
delivery, mandates and bulk notices, each in its own sub-package."""
from flask import Flask


def init_notices(app: Flask) -> None:
    from notices import bulk, drafting, mandates, serving, signing

    # The signing and mandate pages route on drafting's `notices` blueprint, and Flask refuses routes
    # added to a blueprint once it is registered: they attach theirs before drafting registers it.
    signing.init_app(app)
    mandates.init_app(app)
    drafting.init_app(app)
    bulk.init_app(app)
    serving.init_app(app)
