"""Message catalogs: gettext `.po` files under `locale/`, compiled in memory at first use (no build step).

English is the source language. A customer whose language has no catalog gets English throughout,
never a mix. Add a language: copy `locale/ru/LC_MESSAGES/messages.po` to `locale/<lang>/...` and
translate every entry (`tests/notifications/test_catalogs.py` checks completeness).
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LANGUAGE = "en"


def available_languages() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return (SOURCE_LANGUAGE, *found)


def language_for(tag: str) -> str:
    """The catalog language for a customer's language tag (`el`, `hr-HR`, `ru`); English if none fits."""
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in available_languages() else SOURCE_LANGUAGE


@lru_cache
def translations(language: str) -> NullTranslations:
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    return message
