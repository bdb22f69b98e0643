"""Where no trusted CDN header says where the visitor is, a GeoIP database (MaxMind DB format, at
CMP_GEOIP_DATABASE) does, from the client address: the header first, then GeoIP, and a visitor
neither knows gets the strictest experience. A banner document chosen by address is never left in a
shared cache; a database replaced in place is read anew; a missing or broken one locates no one and
breaks nothing. The databases are written here with mmdb-writer, so each test knows their answers."""

from __future__ import annotations

import logging
import os

import maxminddb
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from consent.models import ConsentRecord

CALIFORNIAN = "203.0.113.7"
GERMAN = "198.51.100.20"
VIRGINIAN_V6 = "2001:db8::1"
NOWHERE = "192.0.2.1"


def write_database(path, networks):
    """A GeoIP2-City-shaped database: {cidr: (country, subdivision or "")}."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoIP2-City")
    for cidr, (country, subdivision) in networks.items():
        record = {"country": {"iso_code": country}}
        if subdivision:
            record["subdivisions"] = [{"iso_code": subdivision}]
        writer.insert_network(IPSet([cidr]), record)
    writer.to_db_file(str(path))
    return path


@pytest.fixture
def geoip(tmp_path, settings):
    path = write_database(
        tmp_path / "city.mmdb",
        {"203.0.113.0/24": ("US", "CA"), "198.51.100.0/24": ("DE", ""), "2001:db8::/32": ("US", "VA")},
    )
    settings.CMP_GEOIP_DATABASE = str(path)
    return path


def jurisdiction(client, site, address, **headers):
    response = client.get(f"/api/v1/sites/{site.key}/banner", REMOTE_ADDR=address, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["jurisdiction"], response["Cache-Control"]


def test_the_database_answers_when_no_header_is_configured(client, site, geoip, settings):
    settings.CMP_LOCATION_COUNTRY_HEADER = ""
    us, cache = jurisdiction(client, site, CALIFORNIAN)
    assert (us["experience"], us["gpp_sections"]) == ("us_opt_out", ["usnat", "usca"])
    assert cache.startswith("private"), "a shared cache would hand one address's banner to others"
    de, _ = jurisdiction(client, site, GERMAN)
    assert (de["experience"], de["gdpr_applies"]) == ("opt_in", True)
    va, _ = jurisdiction(client, site, VIRGINIAN_V6)
    assert va["gpp_sections"] == ["usnat", "usva"]
    # Known elsewhere: the site's choice for other regions; unknown: the strictest.
    site.other_regions_experience = "notice"
    site.save()
    assert jurisdiction(client, site, "203.0.114.1")[0]["experience"] == "opt_in"
    unknown, _ = jurisdiction(client, site, NOWHERE)
    assert (unknown["experience"], unknown["gdpr_applies"]) == ("opt_in", True)


def test_a_trusted_header_comes_before_the_database(client, site, geoip, cloudflare):
    said, cache = jurisdiction(client, site, CALIFORNIAN, **{"CF-IPCountry": "DE"})
    assert said["experience"] == "opt_in"
    assert cache.startswith("public")
    # The CDN did not know (XX) or the request came around it: the database decides.
    for headers in ({"CF-IPCountry": "XX"}, {}):
        looked_up, cache = jurisdiction(client, site, CALIFORNIAN, **headers)
        assert looked_up["gpp_sections"] == ["usnat", "usca"]
        assert cache.startswith("private")


def test_the_address_behind_the_trusted_proxy_is_looked_up_and_the_region_recorded(
    client, api, site, geoip, settings
):
    settings.CMP_TRUSTED_PROXY_HOPS = 1
    found, _ = jurisdiction(client, site, "10.0.0.1", **{"X-Forwarded-For": f"{NOWHERE}, {CALIFORNIAN}"})
    assert found["gpp_sections"] == ["usnat", "usca"]
    answer = api.consent(
        site.key, {"action": "opt_out", "opt_outs": ["sale_sharing"]}, **{"X-Forwarded-For": CALIFORNIAN}
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["region"], answer.json()["experience"]) == ("US-CA", "us_opt_out")
    answer = api.consent(site.key, {"action": "accept_all"}, **{"X-Forwarded-For": GERMAN})
    assert (answer.json()["region"], answer.json()["experience"]) == ("DE", "opt_in")
    assert sorted(r.region for r in ConsentRecord.objects.select_related("choice")) == ["DE", "US-CA"]


def test_a_replaced_database_is_read_anew(client, site, geoip, tmp_path):
    before, _ = jurisdiction(client, site, GERMAN)
    assert before["experience"] == "opt_in"
    replacement = write_database(tmp_path / "new.mmdb", {"198.51.100.0/24": ("US", "CO")})
    os.replace(replacement, geoip)
    os.utime(geoip, (1, 2_000_000_000))  # a new mtime even on a coarse-grained file system
    after, _ = jurisdiction(client, site, GERMAN)
    assert after["gpp_sections"] == ["usnat", "usco"]


def test_a_missing_or_broken_database_locates_no_one(client, site, settings, tmp_path, caplog):
    settings.CMP_GEOIP_DATABASE = str(tmp_path / "absent.mmdb")
    with caplog.at_level(logging.ERROR, logger="infra.geoip"):
        missing, _ = jurisdiction(client, site, CALIFORNIAN)
    assert missing["experience"] == "opt_in"
    assert "cannot be read" in caplog.text
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a MaxMind DB")
    settings.CMP_GEOIP_DATABASE = str(broken)
    with pytest.raises(maxminddb.InvalidDatabaseError):
        maxminddb.open_database(str(broken))
    assert jurisdiction(client, site, CALIFORNIAN)[0]["experience"] == "opt_in"


def test_without_a_database_the_embedded_table_gives_the_country(client, site, settings):
    """iptocc's registry tables know where 5.9.0.0/16 (Hetzner, Germany), 200.160.0.0/20 (NIC.br)
    and 8.8.8.0/24 (Google, US) are registered; documentation addresses are nowhere."""
    settings.CMP_GEOIP_DATABASE = ""
    site.other_regions_experience = "none"
    site.save()
    german, cache = jurisdiction(client, site, "5.9.0.1")
    assert (german["experience"], german["gdpr_applies"]) == ("opt_in", True)
    assert cache.startswith("private"), "the experience came from the address"
    assert jurisdiction(client, site, "2a01:4f8::1")[0]["experience"] == "opt_in"
    assert jurisdiction(client, site, "200.160.2.3")[0]["experience"] == "none", "Brazil: the site's choice"
    american, _ = jurisdiction(client, site, "8.8.8.8")
    # A country, never a state, from the registries: the national section alone.
    assert (american["experience"], american["gpp_sections"]) == ("us_opt_out", ["usnat"])
    unknown, _ = jurisdiction(client, site, NOWHERE)
    assert unknown["experience"] == "opt_in", "unknown gets the strictest"

    settings.CMP_GEOIP_EMBEDDED = False
    off, cache = jurisdiction(client, site, "200.160.2.3")
    assert off["experience"] == "opt_in", "no lookup at all: unknown"
    assert cache.startswith("public")
