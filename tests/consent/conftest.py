"""Fixtures of the consent app's tests (the catalogue, sites, API keys and the HTTP helper are in
tests/conftest.py): the reference decoder (@iabtechlabtcf/core through
tests/privacy_signals/tcf/reference/iabtcf.mjs), and an independent statement of what a choice must
put in a TC string."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_SCRIPT = REPO_ROOT / "tests" / "privacy_signals" / "tcf" / "reference" / "iabtcf.mjs"
NO_LI_PURPOSES = {1, 3, 4, 5, 6}


@pytest.fixture(autouse=True)
def _isolated(no_rate_limits: None) -> None:
    """Every test here without rate limits (tests/conftest.py)."""


@pytest.fixture
def victim(api: Any, site: Any) -> dict[str, Any]:
    """A visitor of `site` who refused everything: the consent answer (id and write token)."""
    answer = api.consent(site.key, {"action": "reject_all"})
    assert answer.status_code == 201
    return answer.json()


@pytest.fixture
def seal_immediately(settings: Any) -> None:
    """Seals take records at once instead of after the grace period for late writers."""
    settings.CMP_SEAL_GRACE_SECONDS = 0


@pytest.fixture
def verify_log() -> Callable[[str], tuple[bool, str]]:
    """Runs `manage.py verify_consent_log <site>` as an auditor would: (passed, what it printed)."""

    def verify(site_key: str) -> tuple[bool, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command("verify_consent_log", site_key, stdout=out, stderr=err)
        except CommandError as exc:
            return False, f"{exc}\n{err.getvalue()}{out.getvalue()}"
        return True, out.getvalue()

    return verify


@pytest.fixture(scope="session")
def iab_decode() -> Callable[[Iterable[str]], list[dict[str, Any]]]:
    """Decodes TC strings with the official @iabtechlabtcf/core, returning canonical JSON objects."""

    def decode(strings: Iterable[str]) -> list[dict[str, Any]]:
        lines = list(strings)
        completed = subprocess.run(
            ["node", str(REFERENCE_SCRIPT), "decode"],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
            check=False,
        )
        results = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
        assert len(results) == len(lines), completed.stderr
        return results

    return decode


@pytest.fixture
def expected_signal() -> Callable[..., dict[str, Any]]:
    """What the TC string must say for a choice, stated from the GVL directly (not from the code
    under test): the consent/LI sets a decoder must find."""

    def expected(snapshot: Any, disclosed: set[int], body: dict[str, Any]) -> dict[str, Any]:
        action = body["action"]
        consent_capable = {v for v in disclosed if snapshot.vendors[v].purposes}
        # TCF v2.4: an LI bit only on account of a purpose declared on LI, never a special purpose.
        li_capable = {v for v in disclosed if snapshot.vendors[v].leg_int_purposes - NO_LI_PURPOSES}
        all_purposes = set(snapshot.purposes)
        li_purposes = all_purposes - NO_LI_PURPOSES
        if action == "accept_all":
            return {
                "purposeConsents": sorted(all_purposes),
                "purposeLegitimateInterests": sorted(li_purposes),
                "specialFeatureOptins": sorted(snapshot.special_features),
                "vendorConsents": sorted(consent_capable),
                "vendorLegitimateInterests": sorted(li_capable),
                "vendorsDisclosed": sorted(disclosed),
            }
        if action == "reject_all":
            return {
                "purposeConsents": [],
                "purposeLegitimateInterests": sorted(li_purposes),
                "specialFeatureOptins": [],
                "vendorConsents": [],
                "vendorLegitimateInterests": sorted(li_capable),
                "vendorsDisclosed": sorted(disclosed),
            }
        if action == "withdraw":
            return {
                "purposeConsents": [],
                "purposeLegitimateInterests": [],
                "specialFeatureOptins": [],
                "vendorConsents": [],
                "vendorLegitimateInterests": [],
                "vendorsDisclosed": sorted(disclosed),
            }
        return {
            "purposeConsents": sorted(set(body.get("purposes", []))),
            "purposeLegitimateInterests": sorted(li_purposes - set(body.get("purpose_li_objections", []))),
            "specialFeatureOptins": sorted(set(body.get("special_features", []))),
            "vendorConsents": sorted(set(body.get("vendors", [])) & consent_capable),
            "vendorLegitimateInterests": sorted(
                v
                for v in li_capable - set(body.get("vendor_li_objections", []))
                if snapshot.vendors[v].leg_int_purposes
                - NO_LI_PURPOSES
                - set(body.get("purpose_li_objections", []))
            ),
            "vendorsDisclosed": sorted(disclosed),
        }

    return expected
