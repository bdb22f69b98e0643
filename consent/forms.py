"""Console forms of the consent log: the auditor's export and the data-subject request pages. The
sites offered are those the signed-in user may see (sites/access.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django import forms

from consent.choices import USER_ID_DESCRIPTION, USER_ID_PATTERN
from consent.models import ConsentAction
from consent.services.export import FORMATS, Selection
from sites.access import visible_sites

FORMAT_CHOICES = [("csv", "CSV"), ("json", "JSON"), ("27560", "ISO/IEC TS 27560 (JSON-LD)")]
assert {code for code, _ in FORMAT_CHOICES} == set(FORMATS)


class SiteForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, empty_label=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: Any, right: str = "view", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = visible_sites(user, right).order_by("name")  # type: ignore[attr-defined]


class AuditExportForm(SiteForm):
    created_from = forms.DateField(required=False, label="From (UTC day, included)")
    created_to = forms.DateField(required=False, label="To (UTC day, included)")
    actions = forms.MultipleChoiceField(
        choices=ConsentAction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every action.",
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            raise forms.ValidationError("'To' is before 'From'.")
        return data

    def selection(self) -> Selection:
        data = self.cleaned_data

        def midnight(day: Any) -> datetime | None:
            return datetime.combine(day, time(), tzinfo=UTC) if day else None

        end = midnight(data["created_to"])
        return Selection(
            site=data["site"],
            created_from=midnight(data["created_from"]),
            created_to=end + timedelta(days=1) if end else None,
            actions=frozenset(data["actions"]),
        )


class VisitorForm(SiteForm):
    user_id = forms.CharField(
        label="Visitor id", max_length=64, help_text=f"The visitor's id: {USER_ID_DESCRIPTION}."
    )

    def clean_user_id(self) -> str:
        user_id = self.cleaned_data["user_id"].strip()
        if not USER_ID_PATTERN.fullmatch(user_id):
            raise forms.ValidationError(f"Not a visitor id: ids are {USER_ID_DESCRIPTION}.")
        return user_id


class SubjectRequestForm(VisitorForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why, and on whose request (e.g. 'Art. 17 request by e-mail of 3 Dec, ticket 4411').",
    )
    format = forms.ChoiceField(
        choices=[("json", "JSON"), ("27560", "ISO/IEC TS 27560 (JSON-LD)")], required=False
    )
    confirm = forms.BooleanField(required=False, label="I understand the visitor's records will be deleted")
