"""The lifecycles of a webhook endpoint (active until its administrator disables it) and of one
delivery of one event to one endpoint (pending while attempts are made, then delivered or given
up). `portal.lifecycle.fire` applies them."""
from __future__ import annotations

import enum

from portal.accounts import Role
from portal.i18n import N_
from portal.lifecycle import Machine, transition


class EndpointStatus(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    GIVEN_UP = "given_up"


ENDPOINT = Machine(
    "webhook_endpoint", EndpointStatus, initial=frozenset({EndpointStatus.ACTIVE}),
    transitions=(
        transition("disabled", EndpointStatus.ACTIVE, EndpointStatus.DISABLED, {Role.CREDITOR},
                   label=N_("Disable the endpoint")),
        transition("enabled", EndpointStatus.DISABLED, EndpointStatus.ACTIVE, {Role.CREDITOR},
                   label=N_("Enable the endpoint")),
    ),
    noun=N_("the endpoint"),
)

DELIVERY = Machine(
    "webhook_delivery", DeliveryStatus, initial=frozenset({DeliveryStatus.PENDING}),
    transitions=(
        transition("delivered", DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, {Role.SYSTEM},
                   label=N_("Delivered")),
        transition("given_up", DeliveryStatus.PENDING, DeliveryStatus.GIVEN_UP, {Role.SYSTEM},
                   label=N_("Give up")),
    ),
    noun=N_("the delivery"),
)
