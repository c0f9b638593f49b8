"""The administrator's forms: a new endpoint (address, description, event types), and the small
confirmations (rotate the secret, disable, enable, replay) that carry only the CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.formfields import choices
from portal.webhooks.events import EVENT_TYPES


class EndpointForm(FlaskForm):
    url = StringField("Endpoint address (https://…)",
                      validators=[InputRequired("Give the endpoint's address."), Length(max=500)])
    description = StringField("Description (optional)", validators=[Length(max=200)])
    event_types = SelectMultipleField("Events to send", choices=choices(EVENT_TYPES.items()),
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                      validators=[InputRequired("Choose at least one event.")])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
