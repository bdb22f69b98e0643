"""Fixtures of the consent app's tests: the GVL catalogue, sites, API keys, an HTTP helper, the
reference decoder (@iabtechlabtcf/core through tests/privacy_signals/tcf/reference/iabtcf.mjs), and
an independent statement of what a choice must put in a TC string."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_SCRIPT = REPO_ROOT / "tests" / "tcf" / "reference" / "iabtcf.mjs"
NO_LI_PURPOSES = {1, 3, 4, 5, 6}


@pytest.fixture(scope="session")
def _catalogue_loaded_once(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_bundled_catalogue", stdout=StringIO())


@pytest.fixture
def catalogue(_catalogue_loaded_once: None, db: None):
    """The newest GVL snapshot (v106 from the bundled data), loaded once per test session."""
    from vendors.catalogue import current_gvl
    from vendors.models import GoogleAtp, GvlVersion

    if not (GvlVersion.objects.exists() and GoogleAtp.objects.exists()):
        call_command("load_bundled_catalogue", stdout=StringIO())
    return current_gvl()


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    # Rate limits belong to the hardening tests; here hundreds of requests come from one address.
    settings.CMP_RATE_LIMIT_PER_IP = 0
    settings.CMP_RATE_LIMIT_PER_SITE = 0
    # Only our own keys: on the CI's Redis the same database also holds other areas' state.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("consent:*")
    else:
        cache.clear()


def _make_site(key: str, origins: list[str]):
    from consent.models import Site
    from consent.site_setup import ensure_default_categories

    site = Site.objects.create(
        key=key,
        name=f"Site {key}",
        domains=[f"www.{key}.example"],
        allowed_origins=origins,
        publisher_country_code="FR",
        languages=["en", "fr"],
        privacy_policy_url=f"https://www.{key}.example/privacy",
    )
    ensure_default_categories(site)
    return site


@pytest.fixture
def site(catalogue: Any):
    return _make_site("alpha", ["https://www.alpha.example"])


@pytest.fixture
def other_site(catalogue: Any):
    return _make_site("beta", ["https://www.beta.example"])


@pytest.fixture
def api_key_for() -> Callable[[Any], str]:
    from consent.api_keys import issue_key

    def make(site: Any) -> str:
        return issue_key(site, "test")[1]

    return make


class Api:
    """Requests through the full middleware stack, with JSON bodies."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(self, path: str, body: Any, content_type: str = "application/json", **headers: str) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(path, data=data, content_type=content_type, headers=headers)

    def consent(self, site_key: str, body: Any, **headers: str) -> Any:
        return self.post(f"/api/v1/sites/{site_key}/consents", body, **headers)

    def get(self, path: str, key: str | None = None, **headers: str) -> Any:
        if key:
            headers["Authorization"] = f"Api-Key {key}"
        return self.client.get(path, headers=headers)

    def delete(self, path: str, key: str | None = None) -> Any:
        headers = {"Authorization": f"Api-Key {key}"} if key else {}
        return self.client.delete(path, headers=headers)


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


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
        li_capable = {
            v
            for v in disclosed
            if snapshot.vendors[v].leg_int_purposes or snapshot.vendors[v].special_purposes
        }
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
            "vendorLegitimateInterests": sorted(li_capable - set(body.get("vendor_li_objections", []))),
            "vendorsDisclosed": sorted(disclosed),
        }

    return expected
