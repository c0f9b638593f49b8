"""Serving pages: delivery and serving, postal steps, provider webhooks."""
from notices.serving.blueprint import bp, postal_bp, webhooks_bp
from notices.serving.views import delivery, documents, postal, webhooks  # noqa: F401  (their routes register)

__all__ = ["bp", "postal_bp", "webhooks_bp"]
