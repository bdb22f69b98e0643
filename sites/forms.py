"""The site form the admin uses: lists as one entry per line, each validated on its own, and the
languages as a choice among those the banner has texts for (the first one is the default)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from sites.languages import LANGUAGES
from sites.models import Site


class LinesField(forms.Field):
    """A list typed one entry per line; `check` validates one entry and returns it normalised."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def __init__(self, *, check: Any, **kwargs: Any) -> None:
        self.check = check
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> str:
        return "\n".join(value) if isinstance(value, list | tuple) else (value or "")

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        lines = [line.strip() for line in str(value or "").splitlines()]
        return [line for line in lines if line]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value: Any) -> list[str]:
        entries = self.to_python(value)
        self.validate(entries)
        errors: list[ValidationError] = []
        cleaned: list[str] = []
        for number, entry in enumerate(entries, 1):
            try:
                normalised = self.check(entry)
            except ValidationError as error:
                errors.append(ValidationError(f"Line {number} ({entry}): {' '.join(error.messages)}"))
                continue
            if normalised not in cleaned:
                cleaned.append(normalised)
        if errors:
            raise ValidationError(errors)
        return cleaned


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def check_host(entry: str) -> str:
    host = entry.lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ValidationError(f"{entry!r} is not an IPv6 address.") from None
        return host
    if "://" in host or "/" in host or ":" in host:
        raise ValidationError("a host name only, without scheme, port or path (www.example.com).")
    # Single-label names (localhost, intranet hosts) and IPv4 addresses are hosts too.
    if not host or len(host) > 253 or not all(HOST_LABEL.match(label) for label in host.split(".")):
        raise ValidationError(f"{entry!r} is not a host name.")
    return host


def check_origin(entry: str) -> str:
    scheme, sep, rest = entry.partition("://")
    scheme = scheme.lower()
    if scheme not in ("http", "https") or not sep:
        raise ValidationError("starts with https:// or http://.")
    if not rest or "/" in rest or "?" in rest or "#" in rest:
        raise ValidationError("scheme and host only, no path (https://www.example.com).")
    host, _, port = rest.rpartition(":") if rest.count(":") == 1 or "]:" in rest else (rest, "", "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ValidationError(f"{port!r} is not a port number.")
    check_host(host)
    return f"{scheme}://{host.lower()}" + (f":{port}" if port else "")


def _formfield(field: Any, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SiteForm(forms.ModelForm):
    domains = LinesField(
        check=check_host,
        required=False,
        help_text="The site's host names, one per line (www.example.com).",
    )
    allowed_origins = LinesField(
        check=check_origin,
        required=False,
        help_text="Origins whose pages may call the public API, one per line (https://www.example.com).",
    )
    default_language = forms.ChoiceField(
        choices=sorted(LANGUAGES.items(), key=lambda item: item[1]),
        help_text="Shown when the visitor's browser asks for none of the site's languages.",
    )
    languages = forms.MultipleChoiceField(
        choices=sorted(LANGUAGES.items(), key=lambda item: item[1]),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Other languages",
        help_text="The banner follows the visitor's browser among these.",
    )

    class Meta:
        model = Site
        formfield_callback = _formfield
        fields = (
            "key",
            "name",
            "domains",
            "allowed_origins",
            "cookie_domain",
            "languages",
            "privacy_policy_url",
            "policy_version",
            "consent_lifetime_days",
            "block_page_until_choice",
            "first_layer_stacks",
            "controller_name",
            "controller_address",
            "controller_email",
            "publisher_country_code",
            "purpose_one_treatment",
            "enable_all_vendors",
            "vendors",
            "enable_all_atps",
            "google_atps",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = list(self.instance.languages or ["en"]) if self.instance.pk else ["en"]
        self.initial.setdefault("default_language", current[0])
        self.initial["languages"] = current[1:]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        default = cleaned.get("default_language") or "en"
        others = [code for code in cleaned.get("languages") or [] if code != default]
        cleaned["languages"] = [default, *others]
        return cleaned
