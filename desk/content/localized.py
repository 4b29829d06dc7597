"""Text in every city language: one input per locale, stored as the feed's {locale: text} object."""
from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from babel import Locale, UnknownLocaleError


def language_name(code: str, in_language: str) -> str:
    """'Türkçe' for tr in tr would not help a German editor: the name in the editor's language."""
    try:
        return Locale.parse(code).get_display_name(Locale.parse(in_language)) or code
    except (ValueError, LookupError):
        return code


class LocalizedTextField(models.JSONField):
    """A model field holding {locale: text}; its form field is built per request with the city's locales."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        return name, path, args, kwargs


def writing_direction(code: str) -> str:
    """"rtl" for Arabic and every other language CLDR writes right to left, else "ltr"."""
    try:
        return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (ValueError, UnknownLocaleError):
        return "ltr"


class LocalizedTextWidget(forms.MultiWidget):
    template_name = "desk/localized_text.html"

    def __init__(self, locales: list[str], multiline: bool, ui_language: str):
        self.locales = locales
        self.ui_language = ui_language
        # the blank placeholder lets CSS hide "translation missing" as soon as something is typed
        make = (lambda attrs: forms.Textarea(attrs={"rows": 3, "cols": 48, "placeholder": " ", **attrs})) \
            if multiline else (lambda attrs: forms.TextInput(attrs={"size": 48, "placeholder": " ", **attrs}))
        # Arabic (and any right-to-left language) is typed and read from the right, with its language marked
        super().__init__({locale: make({"lang": locale, "dir": writing_direction(locale)})
                          for locale in locales})

    def decompress(self, value):
        value = value or {}
        if isinstance(value, str):
            value = {self.locales[0]: value}
        return [value.get(locale, "") for locale in self.locales]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for locale, sub in zip(self.locales, context["widget"]["subwidgets"]):
            sub["locale"] = locale
            sub["language"] = language_name(locale, self.ui_language)
        return context


class LocalizedTextFormField(forms.MultiValueField):
    """Every locale optional except the city's default one (the terminal falls back to it)."""

    def __init__(self, locales: list[str], *, multiline: bool = False, required: bool = True,
                 ui_language: str = "en", **kwargs):
        self.locales = locales
        fields = [forms.CharField(required=False, strip=True) for _ in locales]
        super().__init__(fields, require_all_fields=False, required=False,
                         widget=LocalizedTextWidget(locales, multiline, ui_language), **kwargs)
        self.default_required = required

    def compress(self, data_list):
        return {locale: text for locale, text in zip(self.locales, data_list or []) if text}

    def clean(self, value):
        result = super().clean(value)
        default = self.locales[0]
        if self.default_required and not result.get(default):
            raise forms.ValidationError(
                _("The text in %(language)s is required: terminals fall back to the city's default language."),
                params={"language": language_name(default, self.widget.ui_language)}, code="default_missing")
        if result and not result.get(default):
            raise forms.ValidationError(
                _("Give the text in %(language)s too: it is what terminals show when a translation is missing."),
                params={"language": language_name(default, self.widget.ui_language)}, code="default_missing")
        return result

