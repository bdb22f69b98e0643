"""Every text answer of a first load comes compressed to a client that accepts gzip: the banner
script from whitenoise's collected gzip copy, the API's JSON through the gzip middleware, each with
an ETag that a conditional request answers with 304. The consent POST's answer, which carries the
visitor's write token, is never compressed (BREACH; cmp/compression.py)."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.management import call_command
from django.test import Client

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _check_compressed_and_revalidated(client: Client, path: str, headers: dict[str, str]) -> bytes:
    plain = client.get(path, headers=headers)
    compressed = client.get(path, headers={**headers, **GZIP})
    assert (plain.status_code, compressed.status_code) == (200, 200)
    body = b"".join(compressed.streaming_content) if compressed.streaming else compressed.content
    plain_body = b"".join(plain.streaming_content) if plain.streaming else plain.content
    assert compressed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(body) == plain_body
    assert len(body) < len(plain_body) / 2
    etag = compressed["ETag"]
    assert etag
    again = client.get(path, headers={**headers, **GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    return plain_body


@pytest.mark.django_db
def test_the_banner_documents_come_gzipped_with_an_etag_that_revalidates(api, site):
    origin = {"Origin": f"https://www.{site.key}.example"}
    for path in (f"/api/v1/sites/{site.key}/banner?lang=en", f"/api/v1/sites/{site.key}/vendors?lang=en"):
        body = _check_compressed_and_revalidated(api.client, path, origin)
        assert json.loads(body)
        etag = api.client.get(path, headers={**origin, **GZIP})["ETag"]
        assert etag.startswith('W/"')
        # A cache that kept the strong form of the same validator is answered 304 too.
        strong = api.client.get(path, headers={**origin, "If-None-Match": etag.removeprefix("W/")})
        assert strong.status_code == 304


@pytest.mark.django_db
def test_the_gvl_api_comes_gzipped(catalogue, client):
    _check_compressed_and_revalidated(client, "/api/v1/gvl/vendors?limit=50", {})


@pytest.mark.django_db
def test_the_consent_answer_with_its_write_token_is_never_compressed(api, site):
    answer = api.consent(site.key, {"action": "accept_all"}, **GZIP)
    assert answer.status_code == 201
    assert answer.json()["write_token"]
    assert "Content-Encoding" not in answer


def test_the_collected_banner_script_is_served_from_its_gzip_copy(settings, tmp_path, repo_root):
    """As the image and `make run` serve it: collected (unhashed names, a .gz beside each text
    file) and served by whitenoise from there, not from static/."""
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    call_command(
        "collectstatic",
        interactive=False,
        verbosity=0,
        ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"],
    )
    assert (tmp_path / "consent" / "cmp.js").is_file()
    assert (tmp_path / "consent" / "cmp.js.gz").is_file()
    client = Client()
    for name in ("cmp.js", "prefs.js", "gpp.js"):
        script = _check_compressed_and_revalidated(client, f"/static/consent/{name}", {})
        assert script == (repo_root / "static" / "consent" / name).read_bytes()


@pytest.mark.django_db
def test_a_compressed_page_keeps_the_nonce_its_policy_names(catalogue, client):
    """Compression wraps every other middleware: the page's policy is made for the body as
    rendered, and the inline scripts of the compressed page carry the nonce that policy allows (the
    banner copies it to the scripts it releases)."""
    import re

    call_command("create_demo_site", verbosity=0)
    page = client.get("/demo/", headers=GZIP)
    assert page["Content-Encoding"] == "gzip"
    nonces = set(re.findall(rb'<script[^>]* nonce="([^"]+)"', gzip.decompress(page.content)))
    assert len(nonces) == 1
    assert f"'nonce-{nonces.pop().decode()}'" in page["Content-Security-Policy"]
