"""The GVL spells some vendor names HTML-escaped ("Mirando GmbH &amp; Co KG"): the name is decoded
when the GVL is read, so the stored vendor, the GVL API and the banner's vendor document all carry
"Mirando GmbH & Co KG", also for a GVL version stored before the change (its raw document is
parsed again)."""

from __future__ import annotations

import json

from vendors.management.commands.load_bundled_catalogue import BUNDLED_GVL
from vendors.models import Vendor

MIRANDO = 279


def test_names_are_decoded_everywhere(api, site, catalogue):
    raw = json.loads(BUNDLED_GVL.read_bytes())["vendors"][str(MIRANDO)]["name"]
    assert raw == "Mirando GmbH &amp; Co KG", "the bundled GVL still has the escaped spelling"
    assert catalogue.vendors[MIRANDO].name == "Mirando GmbH & Co KG"
    assert Vendor.objects.get(id=MIRANDO).name == "Mirando GmbH & Co KG"
    assert api.get(f"/api/v1/gvl/vendors/{MIRANDO}").json()["vendor"]["name"] == "Mirando GmbH & Co KG"
    document = api.get(f"/api/v1/sites/{site.key}/vendors?lang=en").json()
    names = [v["name"] for v in document["vendors"]]
    assert "Mirando GmbH & Co KG" in names
    assert not [n for n in names if "&amp;" in n or "&#" in n]
