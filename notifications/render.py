"""Messages from Jinja2 templates: the customer's in their language (Babel), the staff handover in English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.commands import InformCustomer
from domain.issue import Issue
from notifications.handover import Handover
from notifications.i18n import SOURCE_LANGUAGE, language_for, translations
from notifications.promise import reply_promise

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    language: str


@lru_cache
def _environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), extensions=["jinja2.ext.i18n"], autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
    env.install_gettext_translations(translations(language), newstyle=True)
    return env


def customer_message(command: InformCustomer, issue: Issue, now: datetime) -> Message:
    """What the customer reads: who handles the issue now and by when they will hear back."""
    language = language_for(issue.customer.language)
    t = translations(language)
    body = _environment(language).get_template("customer.txt.j2").render(
        name=issue.customer.name, message=command.message, owner=t.gettext(command.level_title),
        promise=reply_promise(command.reply_by, now, issue.customer.timezone, language, t),
        reference=issue.id, subject=issue.subject,
    )
    return Message(f"[{issue.id}] {issue.subject}", body, language)


def staff_message(handover: Handover) -> Message:
    body = _environment(SOURCE_LANGUAGE).get_template("staff.txt.j2").render(h=handover)
    return Message(f"[{handover.issue_id}] {handover.headline}", body, SOURCE_LANGUAGE)
