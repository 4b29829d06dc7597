"""Speech mode (docs/accessibility.md): the kiosk speaks, and works from a keypad.

It starts with the first keypad key, a long press on the accessibility button, or headphones
plugged in where the hardware tells; it ends at the idle reset. While it is off, nothing changes for
touch users: keys stay swallowed by the kiosk's hardening, nothing is drawn, nothing is said.
"""
from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.core.window import Keyboard

from kiosk.i18n import N_, translator
from kiosk.speech import phrases
from kiosk.speech.engine import DEFAULT_RATE, DEFAULT_VOLUME, RATES, VOLUMES, Voice, step
from kiosk.speech.keys import command_for
from kiosk.ui.focus import FocusRing, Focusable, collect

log = logging.getLogger("kiosk.speech")

SETTLE_S = 0.3  # a new screen is laid out (and its fade has run) before it is read
HEADPHONE_POLL_S = 2.0
_KEY_NAMES = {code: name for name, code in Keyboard.keycodes.items()}
# Screens without a title of their own (home says "Welcome to Dortmund" below the header).
_SCREEN_NAMES = {"home": N_("Home"), "attract": N_("Home")}


class SpeechMode:
    def __init__(self, app, engine=None):
        self.app = app
        self._engine = engine
        self.on = False
        self.rate, self.volume = DEFAULT_RATE, DEFAULT_VOLUME
        self.focus_key: tuple | None = None
        self.items: list[Focusable] = []
        self.last: list[str] = []
        self.ring: FocusRing | None = None
        self._announce = Clock.create_trigger(self._announce_screen, SETTLE_S)
        self._headphones = None
        self._jack_poll = None
        self._ring_ticker = None
        self._intro: list[str] = []
        self._problem = None
        self._waits = 0
        self._cover = None

    # -- the engine -----------------------------------------------------------------------------

    @property
    def engine(self):
        if self._engine is None:
            from kiosk.speech.espeak import EspeakEngine

            self._engine = EspeakEngine()  # looked for on first use: a kiosk nobody asks to speak never starts it
        return self._engine

    def words(self, msgid: str) -> str:
        """A message marked with N_ elsewhere, in the visitor's language."""
        return self._t().gettext(msgid)

    def _t(self):
        return translator(self.app.language)

    def say(self, sentences: list[str], *, remember: bool = True) -> None:
        sentences = [s for s in sentences if s and s.strip()]
        if not sentences:
            return
        if remember:
            self.last = sentences
        self.engine.speak(sentences, Voice(self.app.language, self.rate, self.volume))

    # -- on and off -----------------------------------------------------------------------------

    def attach(self) -> None:
        """Called once the window exists: take the keypad's keys, follow screen and language changes."""
        from kivy.core.window import Window

        # Before the kiosk's hardening swallows every key (on_keyboard): the keypad's keys are ours.
        Window.bind(on_key_down=lambda window, key, scancode=None, text=None, modifiers=(), *a:
                    self.key(key, text, modifiers))
        self.app.sm.bind(current_screen=lambda *a: self._screen_changed())
        self.app.bind(language=lambda *a: self._screen_changed())

    def watch_headphones(self) -> None:
        """Poll the headphone jack (kiosk/speech/headphones.py); only on a running kiosk, never in tests."""
        from kiosk.speech.headphones import HeadphoneWatch, find_sources

        sources = find_sources()
        if sources:
            self._headphones = HeadphoneWatch(sources)
            self._jack_poll = Clock.schedule_interval(self._poll_headphones, HEADPHONE_POLL_S)

    def _poll_headphones(self, dt) -> None:
        if self._headphones is not None and self._headphones.plugged_in_now() and not self.on:
            log.info("Headphones plugged in: speech mode starts.")
            self.start()

    def start(self) -> None:
        if self.on:
            return
        self.on = True
        self.app.touched()
        if self.engine.problem:
            log.error("Speech mode started, but %s", self.engine.problem)
            self._show_problem()
        if self.ring is None:
            self.ring = FocusRing()
        if self.ring.parent is None:
            self.app.root_layout.add_widget(self.ring)
        self._ring_ticker = Clock.schedule_interval(self._watch, 0.25)
        self.app.speech_on = True
        current = self.app.current()
        self.focus_key = None
        words = self._t()
        self._intro = [words.gettext("Speech is on."), words.gettext("The question mark key explains the keys.")]
        if current is None or current.name in ("attract", "night"):
            self.app.go("home", remember=False)  # the screen changes: it is read when it has settled
        else:
            self._announce()

    def end(self) -> None:
        """At the idle reset: silence, no ring, the next visitor starts with the usual rate and volume."""
        if not self.on:
            return
        self.on = False
        self.app.speech_on = False
        self.engine.stop()
        self._announce.cancel()
        if self._ring_ticker is not None:
            self._ring_ticker.cancel()
        for layer in (self.ring, self._problem):
            if layer is not None and layer.parent is not None:
                layer.parent.remove_widget(layer)
        self.rate, self.volume = DEFAULT_RATE, DEFAULT_VOLUME
        self.focus_key, self.items, self.last = None, [], []

    def _watch(self, dt) -> None:
        """Keep the ring on its item while lists scroll, and read a cover as soon as it comes up
        ("Still there?", an emergency): a visitor who cannot see it would otherwise miss it."""
        self.ring.update()
        layer = self._layer()
        if layer is not self._cover and layer is not self.app.current():
            self._cover = layer
            self._announce_screen()
        elif layer is self.app.current():
            self._cover = None

    def _show_problem(self) -> None:
        """A terminal that cannot speak says so on the screen, for whoever reads it to the visitor."""
        from kiosk.ui.widgets.accessibility import SpeechProblem

        if self._problem is None:
            self._problem = SpeechProblem()
        self._problem.txt = self._t().gettext("This terminal cannot speak at the moment. Please ask staff for help.")
        if self._problem.parent is None:
            self.app.root_layout.add_widget(self._problem)

    def toggle(self) -> None:
        if self.on:
            self.say([self._t().gettext("Speech is off.")], remember=False)
            self.end()
        else:
            self.start()

    # -- what is on the screen ------------------------------------------------------------------

    def _layer(self):
        """The widget the visitor deals with: an emergency or "still there?" cover, else the screen."""
        app = self.app
        for child in app.root_layout.children:  # topmost first
            if child is app.sm:
                break
            if child not in (self.ring, self._problem) and child.opacity > 0:
                return child
        return app.current()

    def refresh_items(self) -> list[Focusable]:
        layer = self._layer()
        if layer is None:
            self.items = []
            return self.items
        frame = getattr(layer, "frame", None)
        self.items = collect(layer, self.app.rtl, texts_under=frame.reach_zone if frame is not None else None)
        return self.items

    def _index(self) -> int:
        keys = [item.key for item in self.items]
        return keys.index(self.focus_key) if self.focus_key in keys else -1

    def screen_sentences(self) -> list[str]:
        """The screen when it opens: its title, a notice, and the calm top zone (summary, "You are here")."""
        from kiosk.ui.speech_screens import summary

        layer = self._layer()
        lang = self.app.language
        frame = getattr(layer, "frame", None)
        if frame is None:
            return []
        title = frame.header.title.txt or self.words(_SCREEN_NAMES.get(layer.name, ""))
        sentences = [phrases.spoken(title, lang)]
        if frame.banner.txt:
            sentences.append(phrases.spoken(frame.banner.txt, lang))
        for item in collect(frame.hero, self.app.rtl, texts_under=frame.hero):
            sentences.append(item.sentence(lang))
        return sentences + summary(self.app, layer, lang)

    def _screen_changed(self) -> None:
        if self.on:
            self.focus_key = None
            self._announce()

    def _settled(self) -> bool:
        """Laid out: a screen built a moment ago has no sizes yet, and its words would be skipped."""
        layer = self._layer()
        frame = getattr(layer, "frame", None)
        if frame is None:
            return True
        hero = frame.hero
        return hero.width > 100 and all(w.height > 2 and w.width > 100 for w in hero.walk(restrict=True)
                                        if getattr(w, "txt", ""))

    def _announce_screen(self, *args) -> None:
        if not self.on:
            return
        if not self._settled() and self._waits < 10:
            self._waits += 1
            self._announce()
            return
        self._waits = 0
        self.refresh_items()
        sentences = self.screen_sentences()
        if getattr(self._layer(), "frame", None) is None:  # a cover: all its lines, then its button
            lang = self.app.language
            sentences += [item.sentence(lang) for item in self.items if item.activate is None]
            self.items = [item for item in self.items if item.activate is not None] or self.items
        if self.items:
            self.focus_key = self.items[0].key
            sentences.append(self._focus_sentence(self.items[0]))
        intro, self._intro = self._intro, []
        self.say(intro + sentences)

    def _focus_sentence(self, item: Focusable) -> str:
        widget = item.show() if item.show else item.widget
        if self.ring is not None:
            self.ring.around(widget or item.widget, item.find)
        return item.sentence(self.app.language)

    # -- keys -----------------------------------------------------------------------------------

    def key(self, keycode: int, codepoint: str | None = None, modifiers=()) -> bool:
        """A key press from the window; True when speech mode used it."""
        command = command_for(_KEY_NAMES.get(keycode, ""), codepoint, modifiers)
        if command is None:
            return False
        self.app.touched()  # a key press is activity too: no "still there?" while someone uses the keypad
        if not self.on:
            self.start()  # the first key only turns speech on, so nothing happens unheard
            return True
        getattr(self, f"_{command}")()
        return True

    def _move(self, direction: int) -> None:
        self.refresh_items()
        if not self.items:
            self.say([self._t().gettext("There is nothing to choose on this screen.")])
            return
        index = self._index()
        target = index + direction if index >= 0 else 0
        edge = ""
        if target < 0:
            target, edge = 0, self._t().gettext("Top of the screen.")
        elif target >= len(self.items):
            target, edge = len(self.items) - 1, self._t().gettext("End of the screen.")
        item = self.items[target]
        self.focus_key = item.key
        self.say([edge, self._focus_sentence(item)])

    def _up(self) -> None:
        self._move(-1)

    def _down(self) -> None:
        self._move(+1)

    def _back(self) -> None:
        self.app.back()

    def _select(self) -> None:
        self.refresh_items()
        index = self._index()
        if index < 0:
            self._move(+1)
            return
        item = self.items[index]
        if item.activate is None:
            self.say([self._focus_sentence(item)])  # a line of text: read again
            return
        screen, hero = self.app.current(), self.screen_sentences()
        item.activate()
        if self.app.current() is screen and self.on:
            # The same screen changed (a switch): say the item's new state, and what changed above.
            Clock.schedule_once(lambda dt: self._after_change(item.key, hero), 0)

    def _after_change(self, key: tuple, hero_before: list[str], tries: int = 0) -> None:
        if self._announce.is_triggered or not self.on:
            return  # the whole screen is read again anyway (a new language)
        if not self._settled() and tries < 10:  # a line that just got its words has no height yet
            Clock.schedule_once(lambda dt: self._after_change(key, hero_before, tries + 1), 0.05)
            return
        self.refresh_items()
        item = next((i for i in self.items if i.key == key), None)
        sentences = [self._focus_sentence(item)] if item is not None else []
        sentences += [s for s in self.screen_sentences() if s not in hero_before]
        self.say(sentences)

    def _enter(self) -> None:
        self._select()

    def _help(self) -> None:
        self.say(phrases.key_guide(self.app.language))

    def _where(self) -> None:
        layer = self.app.current()
        frame = getattr(layer, "frame", None)
        title = frame.header.title.txt if frame is not None else ""
        title = title or self.words(_SCREEN_NAMES.get(getattr(layer, "name", ""), ""))
        here = self.app.terminal_here()
        self.say(phrases.where_sentences(title, here.name if here else "", here.address if here else "",
                                         self.app.language))

    def _repeat(self) -> None:
        self.say(self.last or [self._t().gettext("Speech is on.")], remember=False)

    def _voice_step(self, what: str, direction: int) -> None:
        if what == "rate":
            self.rate = step(RATES, self.rate, direction)
            edge = self.rate in (RATES[0], RATES[-1])
            word = N_("Faster") if direction > 0 else N_("Slower")
        else:
            self.volume = step(VOLUMES, self.volume, direction)
            edge = self.volume in (VOLUMES[0], VOLUMES[-1])
            word = N_("Louder") if direction > 0 else N_("Quieter")
        sentences = [self.words(word)]
        if edge:
            sentences.append(self._t().gettext("This is the end of the scale."))
        self.say(sentences, remember=False)

    def _rate_up(self) -> None:
        self._voice_step("rate", +1)

    def _rate_down(self) -> None:
        self._voice_step("rate", -1)

    def _volume_up(self) -> None:
        self._voice_step("volume", +1)

    def _volume_down(self) -> None:
        self._voice_step("volume", -1)
