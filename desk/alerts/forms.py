"""The one short form: a template, the text in every city language, where, until when."""
from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.alerts import release, wording
from desk.alerts.models import EmergencyNotice
from desk.content.forms import LocalizedForm
from desk.content.publish import PublishRefused

LONGEST = timedelta(days=7)  # longer than a week is no emergency: a notice in the feed says it better
BRACKETS = re.compile(r"\[[^\]]*\]")


class EmergencyNoticeForm(LocalizedForm):
    template = forms.ChoiceField(label=_("Start from"), required=False, choices=wording.choices,
                                 help_text=_("Fills in every language; change what differs today."))
    all_kiosks = forms.TypedChoiceField(
        label=_("Where"), coerce=lambda value: value == "True", initial=True, widget=forms.RadioSelect,
        choices=[(True, _("on every terminal")), (False, _("only on the terminals chosen below"))])

    class Meta:
        model = EmergencyNotice
        fields = ["template", "text", "all_kiosks", "kiosks", "valid_until"]
        widgets = {"kiosks": forms.CheckboxSelectMultiple}

    def clean_text(self):
        text = self.cleaned_data.get("text") or {}
        for value in text.values():
            placeholder = BRACKETS.search(value)
            if placeholder:
                raise forms.ValidationError(
                    _("Replace %(placeholder)s with what it stands for before publishing."),
                    params={"placeholder": placeholder.group(0)}, code="placeholder")
        return text

    def clean_valid_until(self):
        until = self.cleaned_data.get("valid_until")
        now = timezone.now()
        if until is not None and until <= now:
            raise forms.ValidationError(_("This moment has passed; choose when the notice should end."))
        if until is not None and until - now > LONGEST:
            raise forms.ValidationError(_("At most seven days; for longer, write a notice in the content."))
        return until

    def clean(self):
        data = super().clean()
        if data.get("all_kiosks") is False and not data.get("kiosks"):
            self.add_error("kiosks", _("Choose at least one terminal, or choose every terminal."))
        try:
            release.check_key()
        except PublishRefused as exc:
            raise forms.ValidationError(str(exc)) from None
        return data
