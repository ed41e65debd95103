"""The Dutch catalog is complete and compiled: every UI string in the code has a Dutch translation.

The messages are extracted from the code the way `make translations` does (pybabel extract -F babel.cfg
-k _l -k N_ -k lazy_gettext), so a string added to a page without running `make translations` and
translating it fails here with the list of missing msgids.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "fundapp" / "translations"
PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo"
# The keywords of the Makefile's `pybabel extract -k ...`, on top of babel's defaults.
EXTRA_KEYWORDS = [
    "_l",
    "N_",
    "lazy_gettext",
    # The messages of the errors a user sees, raised in English in the services and schemas.
    "ValidationFailed:1",
    "field:2",
    "Conflict:1",
    "Forbidden:1",
    "NotFound:1",
    "InvalidTransition:1",
    "Unauthorized:1",
    "LoginFailed:1",
    "AccountLocked:1",
    "TooManyAttempts:1",
    "ValidationError:1",
    "AppError:1",
]

# A printf placeholder (%(name)s, %s, %%) or a lone percent sign, as Python's and Jinja's `%` formatting see it.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]?\d*(?:\.\d+)?[a-zA-Z%]|%")


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple | list) else msgid


@cache
def extracted() -> dict[str, list[str]]:
    """msgid -> where it occurs, extracted from the code exactly as `make translations` does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(EXTRA_KEYWORDS)}
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        key = _key(message)
        if key:
            found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


@cache
def dutch() -> Catalog:
    with open(PO, "rb") as handle:
        return read_po(handle, locale="nl")


def _translations(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def test_the_code_has_messages_to_translate() -> None:
    assert len(extracted()) > 100
    assert "Log in to fundapp" in extracted()


def test_every_message_in_the_code_has_a_dutch_translation() -> None:
    catalog = dutch()
    missing = []
    for msgid, where in sorted(extracted().items()):
        message = catalog.get(msgid)
        if message is None or message.fuzzy or not all(text.strip() for text in _translations(message)):
            missing.append(f"{msgid!r} ({where[0]})")
    assert not missing, (
        f"{len(missing)} message(s) without a Dutch translation; run `make translations PYTHON=python3` "
        "and translate them in fundapp/translations/nl/LC_MESSAGES/messages.po:\n" + "\n".join(missing)
    )


def test_no_translation_is_fuzzy() -> None:
    fuzzy = [message.id for message in dutch() if message.id and message.fuzzy]
    assert not dutch().fuzzy
    assert not fuzzy, fuzzy


def test_the_mo_file_is_compiled_from_the_po_file() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, dutch())
    compiled.seek(0)
    with open(MO, "rb") as handle:
        on_disk = read_mo(handle)
    expected = read_mo(compiled)

    def pairs(catalog: Catalog) -> dict[object, object]:
        return {(message.context, message.id): message.string for message in catalog if message.id}

    want, have = pairs(expected), pairs(on_disk)
    assert len(want) > 100
    stale = {key for key in want.keys() | have.keys() if want.get(key) != have.get(key)}
    assert not stale, (
        "messages.mo is out of date with messages.po; run `pybabel compile -d fundapp/translations -l nl`: "
        + ", ".join(repr(key[1]) for key in sorted(stale, key=str)[:20])
    )


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for message in dutch():
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(_key(message.id)))
        for text in _translations(message):
            if text and sorted(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{message.id!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_translations_pass_babels_checks() -> None:
    """What `pybabel compile` reports as errors (e.g. python-format placeholders that do not match)."""
    errors = [f"{message.id!r}: {error}" for message, found in dutch().check() for error in found]
    assert not errors, "\n".join(errors)


@pytest.fixture(scope="module")
def unconnected_app():
    """The app without a migrated database: the login page needs none."""
    from fundapp import create_app
    from tests.conftest import test_config

    application = create_app(test_config())
    yield application
    application.extensions["fundapp.db"].engine.dispose()


def test_the_login_page_is_dutch_by_default(unconnected_app) -> None:
    response = unconnected_app.test_client().get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Inloggen bij fundapp" in page
    assert "Wachtwoord" in page
    assert "Log in to fundapp" not in page


def test_the_login_page_is_english_on_request(unconnected_app) -> None:
    page = unconnected_app.test_client().get("/login?lang=en").get_data(as_text=True)
    assert "Log in to fundapp" in page
    assert "Inloggen" not in page


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("Length must be between 2 and 200.", "Length must be between [2] and [200]."),
        ("Length must be 8.", "Length must be [8]."),
        (
            "Must be greater than or equal to 1 and less than or equal to 600.",
            "Must be greater than or equal to [1] and less than or equal to [600].",
        ),
        ("Must be greater than or equal to 0.", "Must be greater than or equal to [0]."),
        ("Must be greater than 0.", "Must be greater than [0]."),
        ("Must be less than or equal to 5.", "Must be less than or equal to [5]."),
        ("Must be one of: monthly, quarterly.", "Must be one of: [monthly, quarterly]."),
        ("Not a valid date.", "Not a valid date."),
    ],
)
def test_a_library_message_with_numbers_is_translated_through_its_own_template(message, shown) -> None:
    from fundapp.messages import localized

    # A "translation" that brackets the placeholders, so the test sees which template filled in what.
    assert localized(message, lambda text: text.replace("%(", "[%(").replace(")s", ")s]")) == shown
