"""Translated level titles: how the customer hears of who handles the issue now.

A policy's level `title` ("a service engineer") is looked up in the customer's catalog; the titles
below are the shipped policy's and the usual roles. A title without a translation stays as written,
so add the titles of your own policy to the catalogs (and here, so extraction finds them).
"""

from __future__ import annotations

from notifications.i18n import N_

KNOWN_TITLES = (
    N_("a support agent"),
    N_("a senior specialist"),
    N_("a senior specialist of our advanced support team"),
    N_("a member of our support team (a person, not the bot)"),
    N_("a specialist"),
    N_("a service engineer"),
    N_("a team lead"),
    N_("the support manager"),
    N_("the head of support"),
    N_("our finance department"),
    N_("our sales department"),
    N_("our engineering team"),
)
