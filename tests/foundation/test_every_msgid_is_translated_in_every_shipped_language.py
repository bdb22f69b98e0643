"""Every string the code marks for translation is translated in every shipped language: GNU
gettext's own tools read the sources (xgettext, with Django's keywords) and compare each
locale/<lang>/LC_MESSAGES/django.po with them (msgcmp counts untranslated and fuzzy entries as
missing); the committed .mo files say what the .po files say; placeholders survive translation."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# The minimum: the 24 official EU languages, Norwegian and Catalan.
EU = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt"}
EU |= {"nl", "pl", "pt", "ro", "sk", "sl", "sv"}
REQUIRED = EU | {"no", "ca"}
SOURCE_PACKAGES = ("cmp", "consent", "infra", "scanner", "sites", "vendors")
# Django's makemessages keywords for Python sources.
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


@pytest.fixture(scope="module")
def template(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [tool for tool in ("xgettext", "msgcmp", "msgfmt") if not shutil.which(tool)]
    assert not missing, f"GNU gettext is needed ({', '.join(missing)}): the Debian package gettext"
    sources = sorted(
        str(path.relative_to(repo_root))
        for package in SOURCE_PACKAGES
        for path in (repo_root / package).rglob("*.py")
        if "migrations" not in path.parts
    )
    pot = tmp_path_factory.mktemp("pot") / "django.pot"
    subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", *KEYWORDS, "--output", str(pot), *sources],
        cwd=repo_root,
        check=True,
    )
    return pot


def shipped(repo_root: Path) -> list[str]:
    return sorted(path.name for path in (repo_root / "locale").iterdir() if (path / "LC_MESSAGES").is_dir())


def catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return {k: v for k, v in gettext.GNUTranslations(handle)._catalog.items() if k != ""}  # type: ignore[attr-defined]


def test_every_required_language_is_shipped(repo_root):
    assert set(shipped(repo_root)) >= REQUIRED


def test_templates_hold_no_strings_this_test_would_miss(repo_root):
    # xgettext reads Python only; a {% translate %} in a template would need Django's makemessages.
    tags = re.compile(r"{%\s*(trans|translate|blocktrans|blocktranslate)\b")
    found = [
        str(path)
        for package in (*SOURCE_PACKAGES, "templates")
        for path in (repo_root / package).rglob("*.html")
        if tags.search(path.read_text(encoding="utf-8"))
    ]
    assert not found


def test_the_sources_mark_the_banner_and_admin_strings(template):
    text = template.read_text(encoding="utf-8")
    for msgid in (
        '"Accept All"',
        '"We value your privacy"',
        '"Shown in English (the IAB has no text for them)"',
    ):
        assert msgid in text


@pytest.mark.parametrize("language", sorted(REQUIRED))
def test_no_msgid_is_missing_untranslated_or_fuzzy(repo_root, template, tmp_path, language):
    po = repo_root / "locale" / language / "LC_MESSAGES" / "django.po"

    compared = subprocess.run(["msgcmp", str(po), str(template)], capture_output=True, text=True)

    assert compared.returncode == 0, compared.stderr
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    header = po.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "the project's own work, not the IAB's" in header

    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    translations = catalog(fresh)
    assert translations == catalog(po.with_suffix(".mo")), "the committed .mo is older than the .po"
    for msgid, msgstr in translations.items():
        assert msgstr.strip(), msgid
        assert sorted(PLACEHOLDER.findall(str(msgid))) == sorted(PLACEHOLDER.findall(msgstr)), msgid
