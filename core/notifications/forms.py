"""Forms of the notification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.notifications.models import EmailMode, NotificationPreference


class PreferencesForm(forms.Form):
    """E-mail mode and the kinds a person does not want by e-mail."""

    email_mode = forms.ChoiceField(
        label=_("Recevoir les notifications par courriel"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
    )
    muted_kinds = forms.MultipleChoiceField(
        label=_("Ne jamais m'envoyer de courriel pour"),
        help_text=_("Ces notifications restent visibles sur le site."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds: dict, preference: NotificationPreference, **kwargs):
        kwargs.setdefault(
            "initial",
            {"email_mode": preference.email_mode, "muted_kinds": preference.muted_kinds},
        )
        super().__init__(*args, **kwargs)
        self.preference = preference
        self.kinds = kinds
        self.fields["muted_kinds"].choices = [
            (key, kind.label) for key, kind in sorted(kinds.items(), key=lambda i: str(i[1].label))
        ]

    def save(self) -> NotificationPreference:
        preference = self.preference
        # Keep mutes of kinds no longer declared (a plugin switched off for a while).
        kept = [k for k in preference.muted_kinds or [] if k not in self.kinds]
        preference.email_mode = self.cleaned_data["email_mode"]
        preference.muted_kinds = sorted(set(kept) | set(self.cleaned_data["muted_kinds"]))
        preference.save()
        return preference


class SpaceMessageForm(forms.Form):
    """A message an agent sends to every follower of a space."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
