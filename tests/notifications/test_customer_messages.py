"""Customer messages in every language: who handles the issue now, and when the customer hears back,
said concretely from the real deadline in the customer's time zone, over weekends and holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from domain.commands import InformCustomer
from domain.issue import Category, Channel, Customer, Issue
from notifications.i18n import available_languages, language_for
from notifications.render import customer_message

ATHENS = ZoneInfo("Europe/Athens")
LANGUAGES = ("en", "ru", "el", "hr")


def issue(language: str, timezone: str = "Europe/Athens") -> Issue:
    customer = Customer(id="c-1", name="Maria Papadopoulou", contact="maria@example.com", language=language,
                        timezone=timezone)
    return Issue(id="T-42", customer=customer, channel=Channel.email, category=Category.technical,
                 subject="Router keeps rebooting")


def told(message: str, reply_by: datetime | None, title: str = "a service engineer") -> InformCustomer:
    return InformCustomer(idempotency_key="T-42/3/inform_customer", level="l2", level_title=title, team="eng",
                          role="engineer", message=message, reply_by=reply_by)


def body(language: str, message: str, now: datetime, reply_by: datetime | None, **kw) -> str:  # noqa: ANN003
    rendered = customer_message(told(message, reply_by, **kw), issue(language), now)
    assert rendered.language == language and rendered.subject == "[T-42] Router keeps rebooting"
    return rendered.body


def test_the_four_seed_languages_have_catalogs():
    assert set(LANGUAGES) <= set(available_languages())


# Every language, every message: the greeting, who handles it now (the title translated), the reference.
WHO = {
    "en": ("Dear Maria Papadopoulou,", "We have passed your request to a service engineer.", "Your reference: T-42"),
    "ru": ("Здравствуйте, Maria Papadopoulou!", "теперь им занимается инженер сервисной службы.",
           "Номер обращения: T-42"),
    "el": ("Γεια σας, Maria Papadopoulou,", "το χειρίζεται πλέον ένας μηχανικός τεχνικής υποστήριξης.",
           "Αριθμός αιτήματος: T-42"),
    "hr": ("Dobar dan, Maria Papadopoulou,", "njime se sada bavi servisni inženjer.", "Broj zahtjeva: T-42"),
}
OTHER = {
    "received": {"en": "We have received your request and passed it to a service engineer.",
                 "ru": "Мы получили ваше обращение. Им занимается инженер сервисной службы.",
                 "el": "Λάβαμε το αίτημά σας. Το χειρίζεται ένας μηχανικός τεχνικής υποστήριξης.",
                 "hr": "Primili smo vaš zahtjev. Njime se bavi servisni inženjer."},
    "reopened": {"en": "a service engineer is looking at it again", "ru": "им снова занимается инженер",
                 "el": "το εξετάζει ξανά ένας μηχανικός", "hr": "njime se ponovno bavi servisni inženjer"},
    "resolved": {"en": "We believe your request is resolved.", "ru": "Мы считаем, что ваш вопрос решён.",
                 "el": "Θεωρούμε ότι το αίτημά σας επιλύθηκε.", "hr": "Smatramo da je vaš zahtjev riješen."},
    "closed": {"en": "Your request is now closed.", "ru": "Ваше обращение закрыто.",
               "el": "Το αίτημά σας έκλεισε.", "hr": "Vaš je zahtjev zatvoren."},
}
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 11:00 in Athens


@pytest.mark.parametrize("language", LANGUAGES)
def test_who_handles_it_now_in_every_language(language):
    greeting, who, reference = WHO[language]
    text = body(language, "escalated", NOW, NOW + timedelta(hours=3))
    assert text.startswith(greeting) and who in text and reference in text
    for message, expected in OTHER.items():
        text = body(language, message, NOW, None if message in ("resolved", "closed") else NOW + timedelta(hours=3))
        assert expected[language] in text
        if message in ("resolved", "closed"):  # nothing is owed, so nothing is promised
            assert "10:00" not in text and "14:00" not in text


# "within three hours": the relative promise, rounded up, with the local clock time and zone.
WITHIN = {
    "en": ("You will hear from us within 3 hours (by 14:00, Eastern European Standard Time).",
           "within 10 minutes (by 11:10", "within 1 hour (by 12:00", "within 1 minute"),
    "ru": ("Мы ответим вам в течение 3 часов (до 14:00, Восточная Европа, стандартное время).",
           "в течение 10 минут (до 11:10", "в течение 1 часа (до 12:00", "в течение 1 минуты"),
    "el": ("Θα λάβετε απάντηση μέσα σε 3 ώρες (έως τις 14:00, Χειμερινή ώρα Ανατολικής Ευρώπης).",
           "μέσα σε 10 λεπτά (έως τις 11:10", "μέσα σε 1 ώρα (έως τις 12:00", "μέσα σε 1 λεπτό"),
    "hr": ("Javit ćemo vam se u roku od 3 sata (do 14:00, istočnoeuropsko standardno vrijeme).",
           "u roku od 10 minuta (do 11:10", "u roku od 1 sata (do 12:00", "u roku od 1 minute"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_near_deadline_is_said_as_within_so_long(language):
    three_hours, ten_minutes, one_hour, seconds = WITHIN[language]
    assert three_hours in body(language, "escalated", NOW, NOW + timedelta(hours=3))
    # sent a few seconds after the deadline was set: still "within 3 hours", never "within 2"
    assert three_hours in body(language, "escalated", NOW + timedelta(seconds=5), NOW + timedelta(hours=3))
    assert ten_minutes in body(language, "received", NOW, NOW + timedelta(minutes=10))
    assert one_hour in body(language, "received", NOW, NOW + timedelta(minutes=60))
    assert seconds in body(language, "received", NOW, NOW + timedelta(seconds=20))


def athens(*args) -> datetime:  # noqa: ANN002
    return datetime(*args, tzinfo=ATHENS)


# A business-hours deadline lands on another day; the message names the day and the local time.
FRIDAY_1630 = athens(2026, 11, 20, 16, 30)  # 3 business hours (09:00-17:00) later is Monday 11:30
MONDAY_1130 = athens(2026, 11, 23, 11, 30)
CHRISTMAS_EVE_1600 = athens(2026, 12, 24, 16, 0)  # 25th, 26th holidays, 27th Sunday: Monday 28th
MONDAY_28_1000 = athens(2026, 12, 28, 10, 0)
NEW_YEARS_EVE_1600 = athens(2026, 12, 31, 16, 0)  # 1st holiday, weekend, 4th-5th closed, 6th Epiphany
THURSDAY_7_1000 = athens(2027, 1, 7, 10, 0)
BY = {
    "en": ("You will hear from us by Monday 11:30 (Eastern European Standard Time).", "by Monday 10:00",
           "by Thursday, January 7, 2027 10:00", "by tomorrow, 09:00", "by today, 23:00"),
    "ru": ("Мы ответим вам не позднее: понедельник 11:30 (Восточная Европа, стандартное время).",
           "не позднее: понедельник 10:00", "не позднее: четверг, 7 января 2027\u202fг. 10:00",
           "не позднее: завтра, 09:00", "не позднее: сегодня, 23:00"),
    "el": ("Θα λάβετε απάντηση το αργότερο: Δευτέρα 11:30 (Χειμερινή ώρα Ανατολικής Ευρώπης).",
           "το αργότερο: Δευτέρα 10:00", "το αργότερο: Πέμπτη 7 Ιανουαρίου 2027 10:00",
           "το αργότερο: αύριο, 09:00", "το αργότερο: σήμερα, 23:00"),
    "hr": ("Javit ćemo vam se najkasnije: ponedjeljak 11:30 (istočnoeuropsko standardno vrijeme).",
           "najkasnije: ponedjeljak 10:00", "najkasnije: četvrtak, 7. siječnja 2027. 10:00",
           "najkasnije: sutra, 09:00", "najkasnije: danas, 23:00"),
}


def test_the_scenarios_really_cross_weekends_and_holidays():
    greek = holidays.country_holidays("GR", years=[2026, 2027])
    assert FRIDAY_1630.weekday() == 4 and MONDAY_1130.weekday() == 0
    assert {date(2026, 12, 25), date(2026, 12, 26)} <= set(greek) and date(2026, 12, 27).weekday() == 6
    assert {date(2027, 1, 1), date(2027, 1, 6)} <= set(greek)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_later_deadline_is_said_as_a_day_and_a_time(language):
    over_weekend, over_christmas, over_new_year, tomorrow, today = BY[language]
    assert over_weekend in body(language, "escalated", FRIDAY_1630, MONDAY_1130)
    assert over_christmas in body(language, "escalated", CHRISTMAS_EVE_1600, MONDAY_28_1000)
    assert over_new_year in body(language, "escalated", NEW_YEARS_EVE_1600, THURSDAY_7_1000)
    assert tomorrow in body(language, "escalated", athens(2026, 11, 23, 17, 0), athens(2026, 11, 24, 9, 0))
    assert today in body(language, "escalated", athens(2026, 11, 23, 8, 0), athens(2026, 11, 23, 23, 0))


def test_the_deadline_is_told_in_the_customers_own_time_zone():
    rendered = customer_message(told("escalated", MONDAY_1130), issue("en", "America/New_York"),
                                FRIDAY_1630)
    assert "by Monday 04:30 (Eastern Standard Time)" in rendered.body  # 11:30 in Athens


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deadline_already_past_promises_no_false_time(language):
    text = body(language, "escalated", NOW, NOW - timedelta(minutes=1))
    late = {"en": "as soon as possible", "ru": "как можно скорее", "el": "το συντομότερο δυνατό",
            "hr": "što je prije moguće"}
    assert late[language] in text and "10:59" not in text


def test_other_languages_get_english_throughout_never_a_mix():
    assert language_for("de") == "en" and language_for("hr-HR") == "hr" and language_for("el_GR") == "el"
    rendered = customer_message(told("escalated", NOW + timedelta(hours=3)), issue("de"), NOW)
    assert rendered.language == "en" and "within 3 hours" in rendered.body and "Dear" in rendered.body


def test_a_title_without_a_translation_stays_as_written():
    text = body("ru", "escalated", NOW, NOW + timedelta(hours=3), title="Dr. Watson's crew")
    assert "теперь им занимается Dr. Watson's crew." in text
