"""Forms of the console pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sites.models import BannerTheme
from sites.theme import check_logo

COLOUR_FIELDS = ("accent", "accent_text", "text", "background", "dark_accent")


class ThemeForm(forms.ModelForm):
    logo_file = forms.FileField(
        required=False,
        label="Logo",
        help_text="PNG, JPEG, GIF or WebP, at most 100 KB; shown above the title.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    class Meta:
        model = BannerTheme
        fields = (*COLOUR_FIELDS, "font", "radius", "position", "layout", "color_scheme")
        widgets = {
            **{name: forms.TextInput(attrs={"type": "color"}) for name in COLOUR_FIELDS},
            "position": forms.RadioSelect,
            "layout": forms.RadioSelect,
            "color_scheme": forms.RadioSelect,
        }
        labels = {"accent_text": "Text on the accent", "color_scheme": "Colour scheme"}

    def clean_logo_file(self) -> Any:
        upload = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if upload.size > 1024 * 1024:
            raise ValidationError("The logo is larger than 1 MB; at most 100 KB.")
        data = upload.read()
        self.logo_type = check_logo(data)
        return data

    def save(self, commit: bool = True) -> BannerTheme:
        theme = super().save(commit=False)
        if self.cleaned_data.get("remove_logo"):
            theme.logo, theme.logo_type = b"", ""
        elif self.cleaned_data.get("logo_file"):
            theme.logo, theme.logo_type = self.cleaned_data["logo_file"], self.logo_type
        if commit:
            theme.save()
        return theme

    def draft(self) -> dict[str, Any]:
        """The unsaved values the preview shows (the logo preview is the saved one)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
