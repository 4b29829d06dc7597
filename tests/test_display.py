from kiosk.display import display_problem


def test_a_desktop_session_has_a_display():
    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None


def test_a_headless_machine_gets_one_sentence_pointing_to_screenshot(monkeypatch):
    monkeypatch.setattr("kiosk.display.glob.glob", lambda pattern: [])
    message = display_problem({})
    assert message and "no display" in message and "kiosk screenshot" in message and "\n" not in message
