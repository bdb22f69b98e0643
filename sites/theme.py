"""The banner's look per site: colours (WCAG AA contrast enforced), font, corner radius, position,
layout, colour scheme and logo, turned into the small stylesheet the banner document carries.

Precedence, lowest first (docs/BANNER.md, "Theming"): the banner's built-in defaults, this theme,
then any `--cmp-*` custom property the publisher sets in its own CSS (on `#cmp-root` or an
ancestor such as `:root`). The banner reads every colour through a private variable defined as
`var(--cmp-accent, <theme or default>)`, so the publisher's property wins whatever the order of
the stylesheets.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5

FONTS = {
    "system": ("System UI", 'system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif'),
    "page": ("The page's own font", ""),
    "humanist": ("Humanist sans", '"Segoe UI",Candara,"Trebuchet MS",Optima,sans-serif'),
    "geometric": ("Geometric sans", 'Avenir,"Avenir Next",Montserrat,"Century Gothic",sans-serif'),
    "serif": ("Serif", 'Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,serif'),
    "mono": ("Monospace", 'ui-monospace,"Cascadia Code",Menlo,Consolas,monospace'),
}

#: Dark scheme surfaces (the accent of the dark scheme is the theme's own `dark_accent`).
DARK = {"bg": "#111827", "text": "#f3f4f6", "ok": "#86efac"}

LOGO_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
LOGO_MAX_BYTES = 100 * 1024


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, share: float) -> str:
    """`share` of colour b into colour a (for the muted text and lines derived from the palette)."""
    out = "#"
    for i in (1, 3, 5):
        x, y = int(a[i : i + 2], 16), int(b[i : i + 2], 16)
        out += f"{round(x + (y - x) * share):02x}"
    return out


def check_colour(value: str) -> None:
    if not HEX.match(value or ""):
        raise ValidationError(f"{value!r} is not a colour like #1863dc.")


def contrast_problems(theme: Any) -> dict[str, str]:
    """Pairs below WCAG AA (4.5:1 for text), by the field to correct."""
    t = theme
    pairs = [
        ("text", t.text, t.background, "Text on the background"),
        ("accent", t.accent, t.background, "Links and outlined buttons (accent on the background)"),
        ("accent_text", t.accent_text, t.accent, "The primary button's label on the accent"),
    ]
    if t.color_scheme != "light":
        pairs.append(
            ("dark_accent", t.dark_accent, DARK["bg"], "Dark scheme: the accent on the dark background")
        )
    problems = {}
    for field, fg, bg, what in pairs:
        if HEX.match(fg or "") and HEX.match(bg or ""):
            ratio = contrast(fg, bg)
            if ratio < AA_TEXT:
                problems[field] = f"{what} has a contrast of {ratio:.2f}:1; WCAG AA needs at least 4.5:1."
    return problems


def logo_type(data: bytes) -> str | None:
    for magic, mime in LOGO_TYPES.items():
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_logo(data: bytes) -> str:
    """The logo's media type; raises for anything but a PNG, JPEG, GIF or WebP of at most 100 KB.
    SVG is refused: served from this origin it could carry script."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is {len(data) // 1024} KB; at most {LOGO_MAX_BYTES // 1024} KB.")
    mime = logo_type(data)
    if mime is None:
        raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.")
    return mime


def _palette(accent: str, accent_text: str, text: str, bg: str) -> str:
    muted = mix(text, bg, 0.28)
    if contrast(muted, bg) < AA_TEXT:  # the secondary text never drops below AA
        muted = text
    line = mix(bg, text, 0.14)
    soft = mix(bg, accent, 0.06)
    names = (
        ("accent", accent),
        ("accent-ink", accent_text),
        ("text", text),
        ("muted", muted),
        ("line", line),
        ("soft", soft),
        ("bg", bg),
    )
    short = {
        "accent": "a",
        "accent-ink": "ai",
        "text": "t",
        "muted": "m",
        "line": "l",
        "soft": "s",
        "bg": "b",
    }
    return ";".join(f"--_{short[n]}:var(--cmp-{n},{v})" for n, v in names)


POSITIONS = {
    "bar": "",
    "box": "#cmp-root .cmp-bar{left:auto;right:16px;max-width:440px;"
    "flex-direction:column;align-items:stretch}#cmp-root .cmp-btns .cmp-btn{flex:1 1 auto}",
    "popup": "#cmp-root .cmp-bar{top:50%;bottom:auto;left:50%;right:auto;width:min(560px,calc(100% - 16px));"
    "transform:translate(-50%,-50%);flex-direction:column;align-items:stretch;"
    "box-shadow:0 0 0 100vmax rgba(17,24,39,.45)}#cmp-root .cmp-btns .cmp-btn{flex:1 1 auto}",
}
LAYOUTS = {
    "inline": "",
    "stacked": "#cmp-root .cmp-bar{flex-direction:column;align-items:stretch}",
}


def theme_css(theme: Any) -> str:
    """The theme's stylesheet, appended after the banner's own. Every value was validated."""
    t = theme
    font = FONTS.get(t.font, FONTS["system"])[1]
    light = _palette(t.accent, t.accent_text, t.text, t.background)
    dark = _palette(t.dark_accent, DARK["bg"], DARK["text"], DARK["bg"]) + f";--_ok:{DARK['ok']}"
    # The page's own font: the banner inherits the font of the element it is placed in (the body).
    family = f";--_f:var(--cmp-font,{font})" if font else "}#cmp-root{font-family:var(--cmp-font,inherit)"
    base = f"#cmp-root{{{light};--_r:var(--cmp-radius,{int(t.radius)}px){family}}}"
    scheme = {
        "light": "",
        "dark": f"#cmp-root{{{dark}}}",
        "auto": f"@media (prefers-color-scheme:dark){{#cmp-root{{{dark}}}}}",
    }[t.color_scheme]
    return base + scheme + POSITIONS[t.position] + LAYOUTS[t.layout]


def logo_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
