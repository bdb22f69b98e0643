"""The site form: domains and allowed origins are typed one per line and each line is validated on
its own (scheme, host, no path), with the line named in the error; languages are chosen among the
supported ones, the default first."""

from __future__ import annotations

from sites.forms import SiteForm

BASE = {
    "key": "shop",
    "name": "Shop",
    "cookie_domain": "",
    "default_language": "fr",
    "languages": ["en"],
    "publisher_country_code": "FR",
    "consent_lifetime_days": 365,
    "policy_version": "1",
}


def form(**changes):
    return SiteForm(data={**BASE, **changes})


def test_lists_are_parsed_and_normalised(db):
    f = form(
        domains="www.Shop.example\n\nshop.example\nwww.shop.example",
        allowed_origins="https://www.shop.example\nhttp://localhost:8000",
    )
    assert f.is_valid(), f.errors
    site = f.save()
    assert site.domains == ["www.shop.example", "shop.example"]
    assert site.allowed_origins == ["https://www.shop.example", "http://localhost:8000"]
    assert site.languages == ["fr", "en"]


def test_each_bad_line_is_named(db):
    f = form(
        domains="www.shop.example\nhttps://shop.example/path",
        allowed_origins="https://ok.example\nwww.shop.example\nhttps://shop.example/cart\nhttps://x.example:99999",
    )
    assert not f.is_valid()
    domain_errors = " ".join(f.errors["domains"])
    assert "Line 2 (https://shop.example/path)" in domain_errors
    origin_errors = f.errors["allowed_origins"]
    assert len(origin_errors) == 3
    assert origin_errors[0].startswith("Line 2 (www.shop.example): starts with https://")
    assert "Line 3" in origin_errors[1]
    assert "no path" in origin_errors[1]
    assert "not a port number" in origin_errors[2]


def test_languages_are_only_the_supported_ones(db):
    f = form(languages=["xx"])
    assert not f.is_valid()
    assert "languages" in f.errors


def test_an_existing_site_shows_its_lists_as_lines(site):
    f = SiteForm(instance=site)
    html = str(f["allowed_origins"])
    assert "<textarea" in html
    assert "https://www.alpha.example" in html
    assert f.initial["default_language"] == "en"
    assert f.initial["languages"] == ["fr"]
