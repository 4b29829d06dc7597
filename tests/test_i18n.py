"""Feed text in the visitor's language, else English, else the default locale."""
from kiosk.i18n import is_right_to_left, localized


def test_the_visitors_language_comes_first():
    assert localized({"de": "Weihnachtsmarkt", "en": "Christmas market", "tr": "Noel pazarı"}, "tr") == "Noel pazarı"


def test_english_is_the_first_fallback():
    assert localized({"de": "Weihnachtsmarkt", "en": "Christmas market"}, "uk") == "Christmas market"


def test_the_default_locale_is_the_last_fallback():
    assert localized({"de": "Weihnachtsmarkt", "nl": "Kerstmarkt"}, "ar", "de") == "Weihnachtsmarkt"


def test_a_region_tag_falls_back_to_its_language():
    assert localized({"de": "Markt", "en": "Market"}, "en-GB") == "Market"


def test_plain_strings_and_missing_text():
    assert localized("Hansaplatz", "ar") == "Hansaplatz"
    assert localized(None, "de") == ""


def test_arabic_is_right_to_left():
    assert is_right_to_left("ar") and not is_right_to_left("de")


def test_languages_are_named_in_themselves_by_babel():
    from kiosk.i18n import language_name

    assert [language_name(lang) for lang in ("de", "en", "tr", "ar", "uk", "pl", "nl", "fr")] == [
        "Deutsch", "English", "Türkçe", "العربية", "Українська", "Polski", "Nederlands", "Français"]
    assert language_name("xx") == "xx"  # Babel does not know it: the code, never a crash
