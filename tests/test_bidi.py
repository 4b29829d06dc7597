"""Arabic text for a renderer that draws left to right: shaped, reordered, numbers kept readable."""
from kiosk.bidi import display


def test_a_phone_number_keeps_its_digit_groups_in_order():
    shown = display("الهاتف: 0231 555 3101")
    assert "0231 555 3101" in shown


def test_an_international_number_and_a_date_stay_whole():
    assert "+49 231 555-3101" in display("الهاتف: +49 231 555-3101")
    assert "2026-11-26" in display("من 2026-11-26")


def test_arabic_words_are_reordered_and_joined():
    shown = display("اتصل على 112")
    assert shown.startswith("112 ")
    assert "\u202a" not in shown and "\u202c" not in shown  # the embedding marks never reach the screen


def test_left_to_right_text_is_untouched():
    assert display("Telefon: 0231 555 3101", rtl=False) == "Telefon: 0231 555 3101"


def test_a_line_too_long_is_cut_where_the_reading_stops():
    from kiosk.bidi import truncate_display

    measure = len  # one unit per character is enough to check the order
    text = "0800 111 0 111 · أو 0800 111 0 222 – مجاني، من دون ذكر الاسم"
    shown = truncate_display(text, 30, measure)
    assert len(shown) <= 30
    assert shown.startswith("…") and shown.endswith("0800 111 0 111")  # the reading starts at the right
