"""`manage.py load_bundled_catalogue`: the offline default catalogue for a fresh database.

Imports the GVL v106 snapshot, the IAB's translations (the raw French and Portuguese files, then
every other language from the fideslang bundle) and Google's ATP list shipped in `vendors/data/`
(see PROVENANCE.md there), each only when the database has none of its kind, so a catalogue
refreshed from the network is never replaced by the older bundled one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from vendors.importing import import_google_atps, import_gvl, import_translation, import_translation_bundle
from vendors.models import GoogleAtp, GvlTranslation, GvlVersion

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BUNDLED_GVL = DATA_DIR / "vendor-list-v106.json"
BUNDLED_TRANSLATIONS = {"fr": DATA_DIR / "purposes-fr.json", "pt-pt": DATA_DIR / "purposes-pt-pt.json"}
BUNDLED_TRANSLATION_BUNDLE = DATA_DIR / "fideslang-gvl-translations-bundle.json"
IAB_PROVENANCE = (
    "IAB Europe's official translation (https://vendor-list.consensu.org/v3/purposes-{language}.json); "
    "IAB Europe's GVL terms apply. Copy described in vendors/data/PROVENANCE.md."
)
BUNDLE_PROVENANCE = (
    "IAB Europe's official translation, merged into one file by Ethyca (ethyca/fideslang "
    "gvl/translations.json, January 2024, CC BY 4.0) from the IAB's purposes-xx.json files; without "
    "stacks and special purpose 3, which are shown in English. See vendors/data/PROVENANCE.md."
)
BUNDLED_ATPS = DATA_DIR / "additional-consent-providers.csv"


class Command(BaseCommand):
    help = "Load the bundled GVL, translations and Google ATP list when the database has none."

    def handle(self, *args: object, **options: object) -> None:
        did_something = False
        if not GvlVersion.objects.exists():
            report = import_gvl(BUNDLED_GVL.read_bytes(), source=f"bundled {BUNDLED_GVL.name}")
            self.stdout.write(f"Bundled catalogue: {report.summary()}")
            did_something = True
        for language, path in BUNDLED_TRANSLATIONS.items():
            if not GvlTranslation.objects.filter(language=language).exists():
                report = import_translation(
                    path.read_bytes(),
                    language,
                    source=f"bundled {path.name}",
                    provenance=IAB_PROVENANCE.format(language=language),
                )
                self.stdout.write(f"Bundled catalogue: {report.summary()}")
                did_something = True
        reports = import_translation_bundle(
            BUNDLED_TRANSLATION_BUNDLE.read_bytes(),
            source=f"bundled {BUNDLED_TRANSLATION_BUNDLE.name}",
            provenance=BUNDLE_PROVENANCE,
            only_missing=True,
        )
        added = [report.language for report in reports if report.counts]
        if added:
            self.stdout.write(f"Bundled catalogue: translations from the bundle: {', '.join(added)}.")
            did_something = True
        if not GoogleAtp.objects.exists():
            report = import_google_atps(BUNDLED_ATPS.read_bytes(), source=f"bundled {BUNDLED_ATPS.name}")
            self.stdout.write(f"Bundled catalogue: {report.summary()}")
            did_something = True
        if not did_something:
            newest = GvlVersion.objects.order_by("-vendor_list_version").first()
            self.stdout.write(
                f"Vendor catalogue already loaded ({newest}, {GoogleAtp.objects.count()} Google ATPs); "
                "nothing to do."
            )
