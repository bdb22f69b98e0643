"""The languages a site may list, how the banner picks the one it shows, and what the TC string says.

A site language is a code of this table: the 24 official EU languages, plus the other languages of
the IAB's translations (Catalan, Galician, Norwegian, Brazilian Portuguese, Serbian in both scripts,
Bosnian, Turkish, Ukrainian, Russian, Japanese, Chinese). Arabic is left out: the banner has no
right-to-left layout.

The IAB names its translation files by its own codes (`purposes-pt-pt.json` is the Portuguese of
Portugal, which the EU list calls `pt`); `iab_code` maps one to the other. The TC string's
`ConsentLanguage` holds two letters only (TCF v2.3 core string), so `pt-br` and `sr-latn` become
`PT` and `SR`.
"""

from __future__ import annotations

from collections.abc import Iterable

# Code -> the language's name in itself (the banner's language switch lists these).
EU_LANGUAGES: dict[str, str] = {
    "bg": "Български",
    "cs": "Čeština",
    "da": "Dansk",
    "de": "Deutsch",
    "el": "Ελληνικά",
    "en": "English",
    "es": "Español",
    "et": "Eesti",
    "fi": "Suomi",
    "fr": "Français",
    "ga": "Gaeilge",
    "hr": "Hrvatski",
    "hu": "Magyar",
    "it": "Italiano",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "mt": "Malti",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt": "Português",
    "ro": "Română",
    "sk": "Slovenčina",
    "sl": "Slovenščina",
    "sv": "Svenska",
}
OTHER_LANGUAGES: dict[str, str] = {
    "ca": "Català",
    "no": "Norsk",
    "gl": "Galego",
    "pt-br": "Português (Brasil)",
    "sr-latn": "Srpski",
    "sr-cyrl": "Српски",
    "bs": "Bosanski",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "ja": "日本語",
    "zh": "中文",
}
LANGUAGES: dict[str, str] = {**EU_LANGUAGES, **OTHER_LANGUAGES}
DEFAULT_LANGUAGE = "en"

# Site codes whose IAB translation file has another name.
_IAB_CODES = {"pt": "pt-pt"}


def iab_code(language: str) -> str:
    """The code of the IAB's purposes-<code>.json for a site language."""
    return _IAB_CODES.get(language, language)


def consent_language(language: str) -> str:
    """The TC string's ConsentLanguage for the language shown: its two-letter ISO 639-1 code."""
    return language[:2].upper()


def language_names(codes: Iterable[str]) -> list[dict[str, str]]:
    return [{"code": code, "name": LANGUAGES.get(code, code)} for code in codes]


def _candidates(requested: str | None) -> list[str]:
    """The visitor's preferences (`de-AT,fr,en`), each followed by its primary language."""
    wanted: list[str] = []
    for part in (requested or "").split(",")[:20]:
        code = part.split(";")[0].strip().lower().replace("_", "-")
        if not code:
            continue
        for candidate in (code, code.split("-")[0]):
            if candidate not in wanted:
                wanted.append(candidate)
    return wanted


def shown_language(site_languages: list[str], requested: str | None, iab_languages: frozenset[str]) -> str:
    """The language the banner is shown in: the first of the visitor's preferences that the site
    lists and the IAB has translated (`iab_languages`: the translations imported), else the site's
    first language that the IAB has translated, else English.

    A language without the IAB's texts is never shown, because the TCF requires the purposes in the
    IAB's own wording for the language the TC string names."""

    def has_iab_texts(code: str) -> bool:
        return code == DEFAULT_LANGUAGE or iab_code(code) in iab_languages

    for code in _candidates(requested):
        if code in site_languages and has_iab_texts(code):
            return code
    for code in site_languages:
        if has_iab_texts(code):
            return code
    return DEFAULT_LANGUAGE
