"""The editors' forms: one input per city language, a plain recurrence editor, problems shown at the field."""
from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from desk.content import checks, feedmap, images, recurrence
from desk.content.localized import LocalizedTextField, LocalizedTextFormField
from desk.content.models import Campaign, Event, HelpContact, Notice, PlaceOverlay


class LocalizedForm(forms.ModelForm):
    """Builds every text field with the city's locales when the form is made (they come from the database)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locales = feedmap.city_locales()
        for model_field in self._meta.model._meta.fields:
            if isinstance(model_field, LocalizedTextField) and model_field.name in self.fields:
                old = self.fields[model_field.name]
                self.fields[model_field.name] = LocalizedTextFormField(
                    locales, multiline=model_field.multiline, required=not model_field.blank,
                    ui_language=get_language() or "en", label=old.label, help_text=old.help_text)
                if self.instance.pk:
                    self.initial[model_field.name] = getattr(self.instance, model_field.name)
        for field in self.fields.values():  # the admin capitalises model fields' labels; the form's own ones too
            field.label = capfirst(field.label)

    def add_feed_problems(self, found: dict[str, list[str]], fields: dict[str, str]) -> None:
        """Put each problem of the feed's rules at the form field it is about, the rest at the top."""
        for feed_field, messages in found.items():
            target = fields.get(feed_field)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class ImageForm(LocalizedForm):
    """An image with alt text in every language; checked against the feed's limits at the field."""

    image_file = forms.FileField(label=_("image"), required=False,
                                 help_text=_("JPEG or PNG, at most 2 MiB. A new file replaces the image."))
    image_alt = LocalizedTextFormField(["de"], required=False)  # declared for the admin; rebuilt with the city's locales

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image_alt"] = LocalizedTextFormField(
            feedmap.city_locales(), required=False, ui_language=get_language() or "en",
            label=capfirst(_("image description (alt text)")),
            help_text=_("What the image shows, for people who cannot see it."))
        self.initial["image_alt"] = (self.instance.extra.get("image") or {}).get("alt", {})

    def clean_image_file(self):
        upload = self.cleaned_data.get("image_file")
        if upload:
            data = upload.read()
            problem = images.upload_problem(data, upload.name)
            if problem:
                raise forms.ValidationError(problem)
            self.image_bytes = data
        return upload

    def clean(self):
        data = super().clean()
        has_image = data.get("image_file") or self.instance.extra.get("image")
        if has_image and not (data.get("image_alt") or {}) and "image_alt" not in self.errors:
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return data

    def save(self, commit=True):
        extra = dict(self.instance.extra)
        alt = self.cleaned_data.get("image_alt") or {}
        if getattr(self, "image_bytes", None):
            extra["image"] = images.store(self.image_bytes, alt)
        elif "image" in extra:
            extra["image"] = {**extra["image"], "alt": alt}
        self.instance.extra = extra
        return super().save(commit)


def place_choices() -> list[tuple[str, str]]:
    names = []
    default = feedmap.sources().city.get("default_locale", "de")
    for place in feedmap.sources().places:
        name = place.get("name")
        name = name if isinstance(name, str) else (name or {}).get(default, place["id"])
        names.append((place["id"], f"{name} ({place['id']})"))
    return sorted(names, key=lambda pair: pair[1].casefold())


class EventForm(ImageForm):
    repeat = forms.ChoiceField(label=_("repeats"), required=False, choices=[
        ("", _("once")), ("DAILY", _("every day")), ("WEEKLY", _("every week")), ("MONTHLY", _("every month")),
        ("YEARLY", _("every year")), ("CUSTOM", _("as the rule below says"))])
    interval = forms.IntegerField(label=_("every how many"), min_value=1, initial=1, required=False,
                                  help_text=_("2 with 'every week' means every other week."))
    weekdays = forms.MultipleChoiceField(label=_("on these weekdays"), required=False,
                                         widget=forms.CheckboxSelectMultiple, choices=[
        ("MO", _("Monday")), ("TU", _("Tuesday")), ("WE", _("Wednesday")), ("TH", _("Thursday")),
        ("FR", _("Friday")), ("SA", _("Saturday")), ("SU", _("Sunday"))])
    until = forms.DateField(label=_("last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("or this many times"), min_value=1, required=False)
    exceptions = forms.CharField(label=_("left-out days"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One date per line, e.g. 2026-12-24: the event does not take place then."))
    place_id = forms.ChoiceField(label=_("place"), required=False)
    url = forms.URLField(label=_("web page"), required=False, assume_scheme="https")  # the feed allows https only

    class Meta:
        model = Event
        fields = ["feed_id", "title", "summary", "category", "all_day", "start", "end", "place_id", "url", "free",
                  "rrule"]
        widgets = {"rrule": forms.TextInput(attrs={"size": 70})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_id"].choices = [("", "—")] + place_choices()
        self.fields["rrule"].required = False
        self.fields["rrule"].help_text = _("Written from the choices above; edit it only with 'as the rule below says'.")
        zone = feedmap.city_zone()
        if self.instance.pk:
            plain = recurrence.from_rrule(self.instance.rrule, zone)
            if plain is None:
                self.initial["repeat"] = "CUSTOM"
            else:
                self.initial.update(repeat=plain.frequency, interval=plain.interval, weekdays=plain.weekdays,
                                    until=plain.until, count=plain.count)
            self.initial["exceptions"] = "\n".join(d.isoformat() for d in
                                                   recurrence.exception_dates(self.instance.exdates))

    def clean_exceptions(self) -> list[date]:
        days = []
        for line in self.cleaned_data.get("exceptions", "").split():
            try:
                days.append(date.fromisoformat(line))
            except ValueError:
                raise forms.ValidationError(_("%(value)s is not a date like 2026-12-24."), params={"value": line})
        return days

    def clean(self):
        data = super().clean()
        start = data.get("start")
        if start is None or self.errors:
            return data
        zone = feedmap.city_zone()
        start_time = timezone.localtime(start, zone).time()
        if data.get("repeat") != "CUSTOM":
            plain = recurrence.Plain(data.get("repeat") or "", data.get("interval") or 1, data.get("weekdays") or [],
                                     data.get("until"), data.get("count"))
            if plain.until and plain.count:
                self.add_error("count", _("Give a last day or a number of times, not both."))
                return data
            data["rrule"] = recurrence.to_rrule(plain, all_day=data.get("all_day", False), zone=zone,
                                                start_time=start_time)
        self.instance.exdates = recurrence.exdate_values(data.get("exceptions") or [], all_day=data["all_day"],
                                                         zone=zone, start_time=start_time)
        for name in ("feed_id", "title", "summary", "category", "all_day", "start", "end", "place_id", "url",
                     "free", "rrule"):
            setattr(self.instance, name, data.get(name))
        item = feedmap.event_object(self.instance, zone)
        rule_field = "rrule" if data.get("repeat") == "CUSTOM" else "repeat"
        self.add_feed_problems(checks.item_problems("events", item), {
            "rrule": rule_field, "start": "start", "end": "end", "exdates": "exceptions", "title": "title",
            "summary": "summary", "place_id": "place_id", "url": "url", "id": "feed_id"})
        if not self.errors:
            problem = checks.repeat_problem(item, zone, start)
            if problem:
                self.add_error(rule_field, problem)
        return data


class CampaignForm(ImageForm):
    place_ids = forms.MultipleChoiceField(label=_("shops"), widget=forms.SelectMultiple(attrs={"size": 12}))

    class Meta:
        model = Campaign
        fields = ["feed_id", "title", "text", "place_ids", "valid_from", "valid_until", "weight"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_ids"].choices = place_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The campaign ends before it starts: choose an end after %(start)s.")
                           % {"start": timezone.localtime(start).strftime("%d.%m.%Y %H:%M")})
        return data


class NoticeForm(LocalizedForm):
    class Meta:
        model = Notice
        fields = ["feed_id", "level", "text", "valid_from", "valid_until", "kiosks"]

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The notice ends before it starts."))
        return data


class PlaceOverlayForm(LocalizedForm):
    place_id = forms.ChoiceField(label=_("place"))

    class Meta:
        model = PlaceOverlay
        fields = ["place_id", "owner_run", "labels", "description", "opening_hours"]
        widgets = {"opening_hours": forms.TextInput(attrs={"size": 70, "class": "desk-hours"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_id"].choices = place_choices()

    def clean_opening_hours(self) -> str:
        value = self.cleaned_data.get("opening_hours", "").strip()
        if value:
            problem = checks.hours_problem(value)
            if problem:
                raise forms.ValidationError(problem)
        return value


class HelpContactForm(LocalizedForm):
    place_id = forms.ChoiceField(label=_("place"), required=False,
                                 help_text=_("Where a visitor finds them, if they can be visited."))

    class Meta:
        model = HelpContact
        fields = ["position", "name", "phone", "hours", "place_id", "note"]
        widgets = {"hours": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place_id"].choices = [("", "—")] + place_choices()

    def clean_hours(self) -> str:
        value = self.cleaned_data.get("hours", "").strip()
        problem = checks.hours_problem(value) if value else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_phone(self) -> str:
        value = " ".join(self.cleaned_data.get("phone", "").split())
        if value and not re.fullmatch(r"\+?[0-9][0-9 ()/-]*", value):
            raise forms.ValidationError(_("A phone number has digits, spaces, -, / and brackets, and may start "
                                          "with +, e.g. 0231 50-0 or +49 231 50-0."))
        return value
