"""Addresses in the roster and on customers: plain email addresses, phone numbers or apprise URLs.

An email address goes out through the configured SMTP relay (an apprise `mailto://` URL); anything with
`://` is an apprise URL used as it is (Slack, Teams, Telegram, `json://` webhooks, ...).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import apprise

from notifications import channels  # noqa: F401 - keeps apprise's own logging quiet before any URL is parsed

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,30}$")


class UnreachableAddress(ValueError):
    """No channel can use this address, now or later."""


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def is_phone(text: str) -> bool:
    return bool(_PHONE.match(text))


def is_apprise_url(text: str) -> bool:
    return "://" in text and apprise.Apprise.instantiate(text) is not None


def check_address(text: str) -> str:
    """The address if it is an email address or an apprise URL apprise can load; ValueError otherwise."""
    if is_email(text) or is_apprise_url(text):
        return text
    if "://" in text:
        raise ValueError(f"apprise cannot use the URL {_scheme(text)}://... (unknown service or malformed)")
    raise ValueError("neither an email address nor an apprise URL (like mailto://, slack://, json://)")


def _scheme(url: str) -> str:
    return url.split("://", 1)[0][:20]


def with_recipient(mail_url: str, address: str) -> str:
    """The relay's mailto:// URL with `to=<address>` (replacing any `to` already there)."""
    parts = urlsplit(mail_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "to"]
    query.append(("to", address))
    return urlunsplit(parts._replace(query=urlencode(query, safe="@:")))


class Addressing:
    """Turns roster addresses and customer contacts into apprise URLs."""

    def __init__(self, mail_url: str, sms_url: str | None = None) -> None:
        self.mail_url = mail_url
        self.sms_url = sms_url  # an apprise URL with a `{phone}` placeholder, e.g. for an SMS gateway

    def url_for(self, address: str) -> str:
        if is_email(address):
            return with_recipient(self.mail_url, address)
        if is_apprise_url(address):
            return address
        raise UnreachableAddress(check_address_reason(address))

    def customer_url(self, contact: str) -> str:
        """Where the customer's messages go; UnreachableAddress if no channel can use the contact."""
        contact = contact.strip()
        if is_phone(contact) and not is_email(contact):
            if not self.sms_url:
                raise UnreachableAddress("the customer's contact is a phone number and no SMS channel is "
                                         "configured (ESCALATION_SMS_URL)")
            return self.sms_url.replace("{phone}", re.sub(r"[^0-9+]", "", contact))
        return self.url_for(contact)


def check_address_reason(text: str) -> str:
    try:
        check_address(text)
    except ValueError as exc:
        return f"unusable address: {exc}"
    return "usable address"
