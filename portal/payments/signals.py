"""What other packages may listen for when money moves: instalment tracking subscribes to these, so
payments need not know about settlements.

`payment_confirmed.send(case, payment=payment, actor=actor)` is sent (inside the transaction, before
the commit) once the creditor has confirmed a payment or the gateway has reported one captured.
"""
from blinker import Namespace

_signals = Namespace()

payment_confirmed = _signals.signal("payment-confirmed")
