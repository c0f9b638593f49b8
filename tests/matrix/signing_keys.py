"""The advocate's signing-key page, token half: recording a DSC held on a PKCS#11 token or HSM."""
from __future__ import annotations

from tests.matrix.common import ADVOCATES, NOBODY, Probe, allow

ROUTES = {
    # An empty form: every advocate may post it and gets the form back with its errors.
    ("notices.signing_token", "POST"): Probe(lambda w: "/account/certificate/token", allow(ADVOCATES, 422),
                                             form=lambda w: {}, hidden_from=NOBODY),
}
