"""The API docs page (/api/v1/docs/) loads its scripts from this server, pinned
(drf-spectacular-sidecar), not from a CDN: it renders offline."""

from __future__ import annotations

import re


def test_docs_page_references_only_same_origin_assets_and_they_are_served(client, db):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert sources, html
    assert not [s for s in sources if re.match(r"(?:https?:)?//", s)], sources
    scripts = [s for s in sources if s.endswith(".js")]
    assert any("redoc" in s for s in scripts), scripts
    for script in scripts:
        response = client.get(script)
        assert response.status_code == 200, script
        assert b"".join(response.streaming_content if response.streaming else [response.content])
