"""The organisation administrators' form: retention delays, ``noindex``, legal notices."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from core.retention.models import PrivacySettings
from core.retention.rules import all_rules, bounds_error, format_delay, in_days


def field_name(rule_key: str) -> str:
    return "delay_" + rule_key.replace(".", "__")


class PrivacySettingsForm(forms.ModelForm):
    """One number per retention rule (in days, or hours for short delays), then the notices."""

    class Meta:
        model = PrivacySettings
        fields = ["noindex_contributions", "publisher", "publication_director", "host",
                  "privacy_contact", "additional_notices"]
        widgets = {
            "publisher": forms.Textarea(attrs={"rows": 3}),
            "host": forms.Textarea(attrs={"rows": 3}),
            "additional_notices": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, delays: dict[str, timedelta], **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = all_rules()
        rule_fields = {}
        for key, rule in self.rules.items():
            days = in_days(rule)
            unit = timedelta(days=1) if days else timedelta(hours=1)
            rule_fields[field_name(key)] = forms.IntegerField(
                label=(_("%(rule)s (en jours)") if days else _("%(rule)s (en heures)")) % {
                    "rule": rule.label or rule.description},
                help_text=_("%(description)s Par défaut : %(default)s ; de %(minimum)s à %(maximum)s.") % {
                    "description": rule.description, "default": format_delay(rule.default, rule),
                    "minimum": format_delay(rule.minimum, rule), "maximum": format_delay(rule.maximum, rule)},
                initial=int(delays[key] / unit),
                min_value=0, max_value=100_000,
                error_messages={"required": _("Indiquez une durée."),
                                "invalid": _("Indiquez un nombre entier.")},
            )
            rule_fields[field_name(key)].unit = unit
        # The delays come first: they are what this page is mostly about.
        self.fields = {**rule_fields, **self.fields}
        for name in ("publisher", "host", "privacy_contact", "publication_director", "additional_notices"):
            self.fields[name].strip = True

    def clean(self):
        data = super().clean()
        for key, rule in self.rules.items():
            name = field_name(key)
            if data.get(name) is None:
                continue
            error = bounds_error(rule, data[name] * self.fields[name].unit)
            if error:
                self.add_error(name, error)
        return data

    def delay_fields(self):
        return [self[field_name(key)] for key in self.rules]

    def notice_fields(self):
        return [self[name] for name in ("publisher", "publication_director", "host", "privacy_contact",
                                        "additional_notices")]

    def chosen_delays(self) -> dict[str, timedelta]:
        return {key: self.cleaned_data[field_name(key)] * self.fields[field_name(key)].unit for key in self.rules}
