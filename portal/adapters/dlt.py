"""TRAI's DLT rules for commercial SMS (DOMAIN 26), checked before any SMS provider is called: only
registered templates go out, their text matches what was registered, and links point only at
whitelisted domains. Operators scrub every message against the DLT registry; refusing here gives
a clear reason instead of a silent drop at the operator.

SMS_DLT_TEMPLATES maps our template names to the DLT registration, either the template id alone or
the id with the registered text, whose variables are written `{#var#}` as on the DLT portals:
  {"notice_served": {"id": "1107...", "text": "Legal notice from {#var#} (ref {#var#}) ..."}}
With the text, the rendered message must be exactly that text with the variables filled in order
(runs of whitespace count as one space).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from portal.adapters.messaging import OutgoingMessage, PermanentFailure

VAR = "{#var#}"
# Links with a scheme, and bare www. hosts (a phone makes both clickable).
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DltTemplate:
    name: str
    template_id: str
    text: str | None = None  # the registered text with {#var#} placeholders; None: the id only

    def fill(self, variables: Iterable[str]) -> str:
        assert self.text is not None
        parts, values = self.text.split(VAR), list(variables)
        if len(values) != len(parts) - 1:
            raise PermanentFailure(f"DLT template {self.name!r} has {len(parts) - 1} variables; "
                                   f"the message gave {len(values)}.")
        out = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            out += [value, part]
        return "".join(out)


class DltRegistry:
    def __init__(self, templates: Mapping[str, str | Mapping[str, str]],
                 url_whitelist: Iterable[str]) -> None:
        self.templates: dict[str, DltTemplate] = {}
        for name, entry in templates.items():
            if isinstance(entry, str):
                entry = {"id": entry}
            if not isinstance(entry, Mapping) or not str(entry.get("id", "")).strip():
                raise ValueError(f"SMS_DLT_TEMPLATES[{name!r}] needs a DLT template id.")
            self.templates[name] = DltTemplate(name, str(entry["id"]).strip(), entry.get("text") or None)
        self.whitelist = [d.strip().lower().lstrip(".") for d in url_whitelist if d.strip()]

    def check(self, message: OutgoingMessage) -> DltTemplate:
        """The registration this message goes out under; PermanentFailure when DLT would refuse it."""
        template = self.templates.get(message.template)
        if template is None:
            raise PermanentFailure(f"SMS template {message.template!r} is not registered on DLT.")
        if template.text is not None:
            expected = template.fill(message.variables)
            if _SPACE.sub(" ", expected).strip() != _SPACE.sub(" ", message.text).strip():
                raise PermanentFailure(f"The SMS text does not match DLT template {template.template_id} "
                                       f"({message.template}) as registered.")
        for link in _LINK.findall(message.text):
            host = link_host(link)
            if not self.allowed(host):
                raise PermanentFailure(f"The link domain {host or link!r} is not whitelisted for SMS.")
        return template

    def allowed(self, host: str) -> bool:
        return bool(host) and any(host == d or host.endswith("." + d) for d in self.whitelist)


def link_host(link: str) -> str:
    if not link.lower().startswith(("http://", "https://")):
        link = "http://" + link
    try:
        return (urlsplit(link).hostname or "").lower()
    except ValueError:  # e.g. a malformed IPv6 literal: no host we could whitelist
        return ""
