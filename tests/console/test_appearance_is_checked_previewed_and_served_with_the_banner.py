"""The appearance page: colours below WCAG AA are refused, a valid theme and logo are saved and
served in the banner document (its stylesheet and logo URL, no second request for the theme), the
preview shows unsaved values without saving them, and a choice made in the preview records
nothing."""

from __future__ import annotations

import json
import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile

from consent.models import ConsentRecord
from sites.models import BannerTheme, Site
from sites.theme import contrast

URL = "/console/sites/fresh/appearance"
THEME = {
    "accent": "#0b5d3b",
    "accent_text": "#ffffff",
    "text": "#1b1b1b",
    "background": "#fffdf7",
    "dark_accent": "#8ee4b8",
    "font": "serif",
    "radius": "4",
    "position": "popup",
    "layout": "stacked",
    "color_scheme": "auto",
}


def test_wcag_contrast_ratio_is_the_standard_one():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_low_contrast_is_refused(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    answer = client.post(URL, {**THEME, "accent": "#ffd400", "save": "1"})
    assert answer.status_code == 200
    html = unescape(answer.content.decode())
    assert re.search(r"contrast of 1\.\d\d:1; WCAG AA needs at least 4.5:1", html)
    assert not BannerTheme.objects.filter(site=site).exists()


def test_saved_theme_and_logo_reach_the_banner_document(client, catalogue, member, png):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    logo = png(120, 40, (11, 93, 59))
    answer = client.post(URL, {**THEME, "save": "1", "logo_file": SimpleUploadedFile("logo.png", logo)})
    assert answer.status_code == 302
    theme = json.loads(client.get("/api/v1/sites/fresh/banner").content)["theme"]
    assert "--_a:var(--cmp-accent,#0b5d3b)" in theme["css"]
    assert "--_r:var(--cmp-radius,4px)" in theme["css"]
    assert "@media (prefers-color-scheme:dark)" in theme["css"]
    assert "translate(-50%,-50%)" in theme["css"]
    assert theme["position"] == "popup"
    served = client.get(theme["logo_url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served.content == logo


def test_logo_of_another_type_or_too_big_is_refused(client, catalogue, member, png):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    svg = SimpleUploadedFile(
        "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    )
    answer = client.post(URL, {**THEME, "save": "1", "logo_file": svg})
    assert "must be a PNG, JPEG, GIF or WebP" in answer.content.decode()
    noisy = bytes(range(256)) * 600
    big = SimpleUploadedFile("big.png", png(1, 1, (0, 0, 0))[:16] + noisy)
    answer = client.post(URL, {**THEME, "save": "1", "logo_file": big})
    assert "at most 100 KB" in answer.content.decode()
    assert not BannerTheme.objects.filter(site=site).exists()


def test_preview_shows_unsaved_values_and_records_nothing(client, catalogue, member):
    site = Site.objects.create(key="fresh", name="Fresh")
    client.force_login(member(site, "editor"))
    page = client.post(URL, {**THEME, "accent": "#7a1fa2", "preview": "1"}).content.decode()
    assert "unsaved changes" in page
    assert not BannerTheme.objects.filter(site=site).exists()
    frame_url = unescape(re.search(r'<iframe src="([^"]+)"', page).group(1))
    frame = client.get(frame_url)
    assert frame.status_code == 200
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    api = re.search(r'data-api="([^"]+)"', frame.content.decode()).group(1)

    draft = json.loads(client.get(f"{api}/api/v1/sites/fresh/banner").content)
    assert "--cmp-accent,#7a1fa2" in draft["theme"]["css"]
    saved = json.loads(client.get("/api/v1/sites/fresh/banner").content)
    assert "#7a1fa2" not in saved["theme"]["css"]

    refused = client.post(
        f"{api}/api/v1/sites/fresh/consents", '{"action":"accept_all"}', content_type="text/plain"
    )
    assert refused.status_code == 409
    assert not ConsentRecord.objects.exists()
    forged = api.replace(api.split("/")[3], api.split("/")[3][:-2] + "xx")
    assert client.get(f"{forged}/api/v1/sites/fresh/banner").status_code == 404
