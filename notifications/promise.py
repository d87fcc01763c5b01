"""When the customer will hear back, said concretely in their language and time zone.

From the absolute deadline the rules computed (24x7 or business hours, holidays included), and the
time the message goes out:
  - up to 12 hours away: "within 45 minutes" / "within 3 hours", with the local clock time;
  - later today or tomorrow: "by today, 18:00" / "by tomorrow, 09:00";
  - within a week: "by Monday 09:00" (a deadline that skips a weekend or a holiday lands here);
  - further: the full date, "by Thursday, January 7, 2027 10:00".
Pure: no clock of its own.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, get_timezone_name
from babel.support import NullTranslations

RELATIVE_UP_TO = timedelta(hours=12)


def reply_promise(reply_by: datetime | None, now: datetime, timezone: str, language: str,
                  t: NullTranslations) -> str | None:
    """One sentence promising the reply, or None when no reply is owed (resolved, closed)."""
    if reply_by is None:
        return None
    left = reply_by - now
    if left <= timedelta(0):
        return t.gettext("We are running late and will get back to you as soon as possible.")
    zone = ZoneInfo(timezone)
    local = reply_by.astimezone(zone)
    clock = format_datetime(local, "HH:mm", locale=language)
    zone_name = get_timezone_name(local, width="long", locale=language)
    if left <= RELATIVE_UP_TO:
        return t.gettext("You will hear from us %(within)s (by %(time)s, %(zone)s).") % {
            "within": within(left, t), "time": clock, "zone": zone_name}
    days = (local.date() - now.astimezone(zone).date()).days
    if days == 0:
        when = t.gettext("today, %(time)s") % {"time": clock}
    elif days == 1:
        when = t.gettext("tomorrow, %(time)s") % {"time": clock}
    elif days < 7:
        when = format_datetime(local, "EEEE HH:mm", locale=language)
    else:
        when = f"{format_date(local, 'full', locale=language)} {clock}"
    return t.gettext("You will hear from us by %(when)s (%(zone)s).") % {"when": when, "zone": zone_name}


def within(left: timedelta, t: NullTranslations) -> str:
    """'within 10 minutes' or 'within 3 hours', rounded up: never claims less time than the deadline gives."""
    minutes = math.ceil(left.total_seconds() / 60)
    if minutes < 60:
        return t.ngettext("within %(num)d minute", "within %(num)d minutes", minutes) % {"num": minutes}
    hours = math.ceil(left.total_seconds() / 3600)
    return t.ngettext("within %(num)d hour", "within %(num)d hours", hours) % {"num": hours}
