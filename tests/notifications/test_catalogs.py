"""The message catalogs are complete: every message the templates and code use, and every level title of
the shipped policy, is translated in every language, with the same placeholders."""

from __future__ import annotations

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from notifications.i18n import LOCALE_DIR, available_languages, translations
from notifications.titles import KNOWN_TITLES
from policy.loader import load_policy

PACKAGE = LOCALE_DIR.parent
LANGUAGES = [lang for lang in available_languages() if lang != "en"]


def used_messages() -> set[str]:
    """What `pybabel extract -F notifications/babel.cfg -k N_` finds (singular ids)."""
    with (PACKAGE / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = extract_from_dir(PACKAGE, method_map, options_map)
    return {msg[0] if isinstance(msg, tuple) else msg for _file, _line, msg, _comments, _ctx in found}


def catalog(language: str):  # noqa: ANN201
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def test_extraction_finds_the_templates_and_the_code():
    used = used_messages()
    assert "We have passed your request to %(owner)s." in used  # a template
    assert "within %(num)d hour" in used  # promise.py, plural
    assert "a service engineer" in used  # titles.py


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_message_is_translated_with_the_same_placeholders(language):
    cat = catalog(language)
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in cat if m.id}
    assert used_messages() - ids == set(), "untranslated: run extraction and translate the new entries"
    assert ids - used_messages() == set(), "obsolete entries: remove them"
    for message in cat:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"empty translation of {message.id!r}"
        assert len(strings) == (cat.num_plurals if message.pluralizable else 1)
    problems = [(m.id, errors) for m, errors in cat.check()]
    assert problems == []  # babel's checks: python-format placeholders and plural counts agree


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_title_of_the_shipped_policy_is_translated(language):
    titles = {level.title for route in load_policy().routes for level in route.levels}
    assert titles <= set(KNOWN_TITLES), f"add {sorted(titles - set(KNOWN_TITLES))} to notifications/titles.py"
    t = translations(language)
    assert all(t.gettext(title) != title for title in titles)


def test_plural_forms_follow_the_language():
    assert [translations("ru").ngettext("within %(num)d hour", "within %(num)d hours", n) % {"num": n}
            for n in (1, 3, 5, 21)] == ["в течение 1 часа", "в течение 3 часов", "в течение 5 часов",
                                        "в течение 21 часа"]
    assert [translations("hr").ngettext("within %(num)d hour", "within %(num)d hours", n) % {"num": n}
            for n in (1, 3, 5, 22)] == ["u roku od 1 sata", "u roku od 3 sata", "u roku od 5 sati",
                                        "u roku od 22 sata"]
