"""Feed text in the visitor's language, else the default locale (the sign's), never a third language."""
from kiosk.i18n import is_right_to_left, localized, sign_name, with_sign_name


def test_the_visitors_language_comes_first():
    assert localized({"de": "Weihnachtsmarkt", "en": "Christmas market", "tr": "Noel pazarı"}, "tr") == "Noel pazarı"


def test_the_default_locale_is_the_fallback_never_english():
    # A Ukrainian visitor reads the German words on the signs around them, not a third language.
    assert localized({"de": "Weihnachtsmarkt", "en": "Christmas market"}, "uk", "de") == "Weihnachtsmarkt"
    assert localized({"de": "Weihnachtsmarkt", "nl": "Kerstmarkt"}, "ar", "de") == "Weihnachtsmarkt"


def test_a_feed_whose_default_locale_is_english_falls_back_to_english():
    assert localized({"de": "Markt", "en": "Market"}, "pl", "en") == "Market"


def test_a_translated_name_comes_with_the_name_on_the_sign():
    name = {"de": "Reinoldikirche", "uk": "Церква Святого Райнольда", "en": "St Reinold's Church (Reinoldikirche)"}
    assert with_sign_name(name, "uk", "de") == "Церква Святого Райнольда (Reinoldikirche)"
    assert sign_name(name, "en", "de") == ""  # the translation already carries it
    assert with_sign_name(name, "de", "de") == "Reinoldikirche"
    assert with_sign_name("Hansaplatz", "ar", "de") == "Hansaplatz"


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
