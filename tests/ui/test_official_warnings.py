"""Official warnings on screen, in the real app's offscreen window: a Moderate warning is the banner,
a Severe one takes over the screen like a feed emergency notice; German with a line saying so when
the message lacks the visitor's language; offline it stays until it expires, with "last confirmed
at …"; nothing past `expires`. Real NINA answers (tests/fixtures/warnings) from a server on 127.0.0.1."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.live.nina import NinaWarningsPoller
from sync.fetch import Fetcher
from tests.test_warnings import ARS, DWD_ORIGINAL, DWD_UPDATE, nina, original_of  # noqa: F401 (nina: the fixture)
from tests.ui.harness import frames, texts

# During the recorded DWD gale warning (effective 19 September 2026 14:59, expires 21 September 08:00).
DURING = datetime.fromisoformat("2026-09-20T12:00:00+02:00")
EXPIRES = datetime.fromisoformat("2026-09-21T08:00:00+02:00")


@pytest.fixture
def warned(app, clock, nina):
    """The app with a NINA poller on the local server; removed again afterwards."""
    poller = NinaWarningsPoller(nina.url, ARS, Fetcher(allow_insecure_http=True, connect_timeout_s=0.5,
                                                       read_timeout_s=0.5), interval_s=120, rand=lambda: 1.0)
    app.services.warnings = poller
    clock.value = DURING
    yield poller
    app.services.warnings = None
    poller.fetcher.close()
    app._tick(0)
    frames(2)


def show(app, clock, at: datetime, lang: str = "en") -> None:
    clock.value = at
    app.set_language(lang)
    app.go("home")
    app._tick(0)
    frames(3)


def test_a_moderate_warning_is_the_banner_in_the_visitors_language(app, clock, nina, warned):
    nina.serve(DWD_UPDATE)
    warned.poll_once(DURING)
    show(app, clock, DURING)
    level, text = app.banner
    assert level == "warning" and not app.official_warnings.shown
    assert text.splitlines()[:2] == ["Official WARNING of STORM-FORCE GUSTS",
                                     "Issued by Deutscher Wetterdienst · Until Monday 21 September, 08:00"]
    assert text in texts(app.current().frame.banner)
    show(app, clock, DURING, "de")
    assert app.banner[1].startswith("Amtliche WARNUNG vor SCHWEREN STURMBÖEN\nHerausgeber: Deutscher Wetterdienst")


def test_a_severe_warning_takes_over_updates_and_ends_with_its_cancel(app, clock, nina, warned):
    severe = original_of(DWD_UPDATE, DWD_ORIGINAL["identifier"], "2026-09-18T18:55:00+02:00", severity="Severe",
                         expires="2026-09-21T08:00:00+02:00")
    nina.serve(severe)
    warned.poll_once(DURING)
    show(app, clock, DURING, "ar")
    assert app.official_warnings.shown
    takeover = app.official_warnings.takeover
    # The message has de-DE, en and fr: in Arabic the text is German, with a line saying so in Arabic.
    assert takeover.text.txt == "Amtliche WARNUNG vor SCHWEREN STURMBÖEN"
    assert takeover.notes.txt.splitlines()[0] == "هذا التحذير متوفر باللغة الألمانية فقط."
    assert "Sturmböen" in takeover.details.txt or "STURMBÖEN" in takeover.details.txt
    # On top of everything, the whole window (its cover swallows every touch, overlays.py).
    assert app.root_layout.children[0] is takeover and tuple(takeover.size) == (1080, 1920)
    # The recorded Update replaces it (Moderate): the takeover ends and the update is the banner.
    nina.serve(DWD_UPDATE)
    warned.poll_once(DURING + timedelta(minutes=2))
    show(app, clock, DURING + timedelta(minutes=2), "en")
    assert not app.official_warnings.shown
    assert app.banner[1].startswith("Official WARNING of STORM-FORCE GUSTS")
    # The service stops listing it (the all-clear): gone from the screen.
    nina.serve(listed=[])
    warned.poll_once(DURING + timedelta(minutes=4))
    show(app, clock, DURING + timedelta(minutes=4))
    assert app.banner is None or "STORM" not in app.banner[1]


def test_offline_a_takeover_stays_with_last_confirmed_until_it_expires(app, clock, nina, warned):
    severe = original_of(DWD_UPDATE, DWD_ORIGINAL["identifier"], "2026-09-18T18:55:00+02:00", severity="Extreme",
                         expires="2026-09-21T08:00:00+02:00")
    nina.serve(severe)
    warned.poll_once(DURING)
    nina.files = {path: (500, b"") for path in nina.files}  # the network is gone
    later = DURING + timedelta(hours=3)
    warned.poll_once(later)
    show(app, clock, later)
    notes = app.official_warnings.takeover.notes.txt
    assert app.official_warnings.shown
    assert "No connection to the warning service: last confirmed at 12:00" in notes
    show(app, clock, EXPIRES - timedelta(minutes=1))
    assert app.official_warnings.shown
    assert "last confirmed at Sunday 20 September, 12:00" in app.official_warnings.takeover.notes.txt
    show(app, clock, EXPIRES)
    assert not app.official_warnings.shown  # nothing past `expires`, even offline
    assert app.banner is None or "STORM" not in app.banner[1]


def test_the_dwds_own_warning_is_the_banner_in_english_or_german_with_the_line(app, clock):
    """The DWD's recorded zip (tests/test_dwd_warnings.py) for Stadt Havelsee, through the same sources the app runs."""
    from kiosk.live.warnings import WarningSources
    from tests.test_dwd_warnings import RECORDED, DwdServer, poller_for, t

    server = DwdServer()
    server.publish(RECORDED.read_bytes(), "recorded")
    sources = WarningSources([poller_for(server)])
    app.services.warnings = sources
    try:
        sources.pollers[0].poll_once(t("11:20"))
        show(app, clock, t("11:20"), "en")
        assert app.banner[1].splitlines()[:2] == ["Official WARNING of HEAVY RAIN",
                                                  "Issued by Deutscher Wetterdienst · Until 15:00"]
        show(app, clock, t("11:20"), "uk")  # the DWD's file has no Ukrainian text
        assert app.banner[1].splitlines()[:2] == ["Amtliche WARNUNG vor STARKREGEN",
                                                  "Це попередження доступне лише німецькою мовою."]
        assert app.banner[1] in texts(app.current().frame.banner)
        show(app, clock, t("15:00"), "en")
        assert app.banner is None or "RAIN" not in app.banner[1]
    finally:
        app.services.warnings = None
        server.close()
        sources.stop()
        app._tick(0)
        frames(2)


def test_the_demos_example_warning_says_it_is_an_example_and_keeps_the_demo_notice(app, clock, tmp_path):
    """On the demo content (its notice says the names are made up), the recorded DWD warning is shown the
    way `make run` shows it: headed as an example with the day it was recorded, in the visitor's language,
    never as an official warning alone; the demo's own notice stays in the banner below it."""
    from kiosk.live.recorded import RecordedWarning
    from sync import service
    from tests.ui.harness import START, showing_content

    assert app.services.warnings is None  # headless renders and tests leave it out unless asked (shoot.py)
    folder = tmp_path / "demo"
    service.ensure_demo_content(folder, now=START)
    app.services.warnings = RecordedWarning(app.clock)
    try:
        with showing_content(app, folder):
            first_lines = {}
            for lang in ("en", "de", "ar"):
                show(app, clock, START, lang)
                level, text = app.banner
                assert level == "warning" and not app.official_warnings.shown
                first_lines[lang] = text.splitlines()[0]
                assert text in texts(app.current().frame.banner)
            assert app.banner[1].splitlines()[1] == "Amtliche WARNUNG vor SCHWEREN STURMBÖEN"
            assert app.banner[1].splitlines()[-1].startswith("محتوى تجريبي")  # the demo's own notice
    finally:
        app.services.warnings = None
        app._tick(0)
    assert first_lines == {"en": "Example of an official warning (recorded 19 Sept 2026)",
                           "de": "Beispiel einer amtlichen Warnung (aufgezeichnet am 19. Sept. 2026)",
                           "ar": "مثال على تحذير رسمي (سُجِّل في 19 سبتمبر 2026)"}
