# ruff: noqa: S107  (the fake's test credentials)
"""A local fake of Twilio's Messages REST API (2010-04-01) for the real twilio SDK: Basic auth with
the account SID and auth token, the form fields Twilio validates (To, From or MessagingServiceSid,
Body, StatusCallback) with Twilio's error codes, transient failures on request, and the status
callbacks Twilio would POST, signed with X-Twilio-Signature by the SDK's own RequestValidator."""
from __future__ import annotations

import base64
import json
import re
import secrets
from email.utils import formatdate
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator
from werkzeug.wrappers import Request, Response

from .pki import ServerThread

ACCOUNT_SID = "AC" + "0" * 31 + "1"


def _json(data, status=200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _error(status: int, code: int, message: str) -> Response:
    return _json({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                  "status": status}, status)


class FakeTwilio:
    """`senders`: the alphanumeric sender ids and Messaging Service SIDs this account owns.
    `fail_next` answers that many requests with (`fail_status`, `fail_code`)."""

    def __init__(self, account_sid=ACCOUNT_SID, auth_token="twilio-token", senders=("SULAHN",)):
        self.account_sid, self.auth_token, self.senders = account_sid, auth_token, set(senders)
        self.received: list[dict] = []
        self.by_sid: dict[str, dict] = {}
        self.fail_next, self.fail_status, self.fail_code = 0, 503, 20503
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}"

    def stop(self) -> None:
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        return self._handle(Request(environ))(environ, start_response)

    def _handle(self, request: Request) -> Response:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return _error(401, 20003, "Authenticate")
        if self.fail_next:
            self.fail_next -= 1
            return _error(self.fail_status, self.fail_code, "Service unavailable")
        if request.method != "POST" or request.path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return _error(404, 20404, f"The requested resource {request.path} was not found")
        form = request.form
        to, sender, service = form.get("To", ""), form.get("From"), form.get("MessagingServiceSid")
        if not re.fullmatch(r"\+[1-9][0-9]{7,14}", to):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not sender and not service:
            return _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message")
        if (sender or service) not in self.senders:
            return _error(400, 21212, f"Invalid 'From' Phone Number: {sender or service}")
        if not form.get("Body"):
            return _error(400, 21602, "Message body is required.")
        if len(form["Body"]) > 1600:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        callback = form.get("StatusCallback")
        if callback is not None and urlsplit(callback).scheme not in ("http", "https"):
            return _error(400, 21609, "Invalid StatusCallback")
        sid = "SM" + secrets.token_hex(16)
        self.received.append(dict(form))
        self.by_sid[sid] = self.received[-1]
        now = formatdate(usegmt=True).replace("GMT", "+0000")
        return _json({"sid": sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
                      "to": to, "from": sender, "messaging_service_sid": service, "body": form["Body"],
                      "status": "accepted" if service else "queued", "direction": "outbound-api",
                      "num_segments": "1", "num_media": "0", "error_code": None, "error_message": None,
                      "date_created": now, "date_updated": now, "date_sent": None, "price": None,
                      "price_unit": "USD",
                      "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}, 201)

    def status_callback(self, sid: str, status: str, *, error_code: str | None = None, url: str | None = None,
                        token: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The form body and headers of the status callback Twilio would POST to `url` (by default
        the StatusCallback the message was sent with), signed over that URL and the form fields."""
        sent = self.by_sid.get(sid, {})
        params = {"AccountSid": self.account_sid, "ApiVersion": "2010-04-01", "MessageSid": sid,
                  "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
                  "To": sent.get("To", "+919812345678"), "From": sent.get("From", "SULAHN")}
        if error_code:
            params["ErrorCode"] = error_code
        target = url or sent["StatusCallback"]
        signature = RequestValidator(token or self.auth_token).compute_signature(target, params)
        return urlencode(params).encode(), {"X-Twilio-Signature": signature,
                                            "Content-Type": "application/x-www-form-urlencoded",
                                            "I-Twilio-Idempotency-Token": secrets.token_hex(16)}
