"""Your opinion: five faces from unhappy to happy, optional topic chips and Send. No free text and
nothing about the person; one answer per visitor session (kiosk.feedback), kept in the outbox."""
from __future__ import annotations

from kivy.app import App
from kivy.graphics import Color, Ellipse, Line, RoundedRectangle
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.feedback import RATINGS, TOPICS, FeedbackAnswer
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.translate import N_, tr, tr_txt
from kiosk.ui.widgets.layout import MirrorBox, fitted_row
from kiosk.ui.widgets.text import KButton, KLabel, text_width

RATING_WORDS = {1: N_("Very bad"), 2: N_("Bad"), 3: N_("Okay"), 4: N_("Good"), 5: N_("Very good")}
TOPIC_WORDS = {
    "cleanliness": N_("Cleanliness"), "safety": N_("Safety"), "events": N_("Events"), "shops": N_("Shops"),
    "getting_around": N_("Getting around"), "art_culture": N_("Art & culture"),
}


class FaceWord(KLabel):
    """The word under a face, set smaller rather than broken inside a word ("Нормально" in larger text)."""

    def __init__(self, **kwargs):
        self._base = 0.0
        super().__init__(size_role="small", align="center", **kwargs)
        self.fbind("txt", self._shrink)
        self.fbind("width", self._shrink)

    def _on_sizes(self, app, sizes):
        self._base = sizes["small"]
        self._shrink()

    def _shrink(self, *args) -> None:
        room = (self.width - self.padding[0] - self.padding[2]) * 0.95
        longest = max((text_width(word, self._base, self.bold) for word in self.txt.split()), default=0)
        self.font_size = self._base * room / longest if room > 10 and longest > room else self._base


class RatingFace(ButtonBehavior, Widget):
    """A face drawn with lines (no emoji font needed): the mouth bends from a frown to a smile; under it
    the word it stands for ("Good"), so no visitor has to guess what a face means before touching it."""

    rating = NumericProperty(3)
    selected = BooleanProperty(False)
    word_room = NumericProperty(0)  # the tallest word of the row: the faces stay level above their words

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        self.word = tr_txt(FaceWord(), RATING_WORDS[self.rating])
        self.add_widget(self.word)
        app.fbind("palette", self._draw)
        self.fbind("pos", self._draw)
        self.fbind("size", self._draw)
        self.fbind("selected", self._draw)
        self.fbind("state", self._draw)
        self.word.fbind("height", self._draw)
        self.fbind("word_room", self._draw)
        self._draw()

    def _draw(self, *args) -> None:
        palette = App.get_running_app().palette
        bg = palette["accent"] if self.selected else palette["surface_pressed" if self.state == "down" else "surface"]
        ink = palette["on_accent"] if self.selected else palette["text"]
        self.word.tone = "on_accent" if self.selected else "text"
        pad = 8
        self.word.width = self.width - 2 * pad
        self.word.pos = (self.x + pad, self.y + pad)
        above = max(self.word_room, self.word.height) + pad  # the face fills the tile above the words
        # Only where the face keeps (nearly) its full size: a tight body (larger text) keeps the faces.
        shown = self.height - above >= 1.8 * App.get_running_app().touch_px
        self.word.opacity = 1 if shown else 0
        above = above if shown else 0
        r = min(self.width, self.height - above) * 0.36
        cx, cy = self.center_x, self.y + above + (self.height - above) / 2
        curve = (self.rating - 3) / 2  # -1 frown ... +1 smile
        mouth_w, bend = r * 0.55, r * 0.32
        mouth_y = cy - r * 0.35
        mouth = []
        for i in range(21):
            x = -1 + i / 10
            mouth += [cx + x * mouth_w, mouth_y + curve * bend * (x * x - 1) + curve * bend * 0.5]
        self.canvas.before.clear()  # before: the word, a child, draws over it
        with self.canvas.before:
            Color(*bg)
            RoundedRectangle(pos=self.pos, size=self.size, radius=[18])
            Color(*ink)
            Line(circle=(cx, cy, r), width=max(2.0, r * 0.07))
            eye = r * 0.12
            for dx in (-0.36, 0.36):
                Ellipse(pos=(cx + dx * r - eye / 2, cy + r * 0.25 - eye / 2), size=(eye, eye))
            Line(points=mouth, width=max(2.0, r * 0.07), cap="round", joint="round")


class FeedbackScreen(KioskScreen):
    title_msgid = N_("Your opinion")

    def build(self) -> None:
        app = self.app
        self.rating: int | None = None
        self.topics: set[str] = set()
        self.question = tr_txt(KLabel(size_role="heading", bold=True),
                               N_("How do you like the city centre today?"))
        self.privacy = tr_txt(KLabel(size_role="body", tone="muted"),
                              N_("Anonymous: no names, no text, no photos."))
        self.frame.hero.add_widget(self.question)
        self.frame.hero.add_widget(self.privacy)

        self.form = BoxLayout(orientation="vertical", spacing=round(20 * app.scale))
        # Two touch sizes for the faces, and their words under them where the body has the room (a
        # portrait panel); where it has not (landscape, larger text), the faces get smaller instead.
        self.faces = MirrorBox(spacing=12, size_hint_y=100, size_hint_min_y=round(app.touch_px * 2))
        self.face_buttons: dict[int, RatingFace] = {}
        for rating in RATINGS:
            face = RatingFace(rating=rating, on_release=lambda f: self.choose_rating(f.rating))
            face.word.bind(height=self._fit_faces)
            self.face_buttons[rating] = face
            self.faces.add_logical(face)
        self.faces.apply_direction()
        self.meaning = KLabel(size_role="heading", align="center", tone="accent", bold=True)
        self.topics_hint = tr_txt(KLabel(size_role="body", tone="muted"), N_("What is it about? (optional)"))
        # Rows of two that mirror, so the first topic sits where a right-to-left reader starts.
        chips = BoxLayout(orientation="vertical", spacing=12, size_hint_y=None)
        chips.bind(minimum_height=chips.setter("height"))
        self.chips: dict[str, KButton] = {}
        for start in range(0, len(TOPICS), 2):
            # A line is as tall as its taller chip: two lines of larger text stay inside their chip.
            line = []
            for topic in TOPICS[start:start + 2]:
                chip = KButton(size_role="body", on_release=lambda b, t=topic: self.toggle_topic(t))
                self.chips[topic] = chip
                line.append(chip)
            chips.add_widget(fitted_row(*line, spacing=12))
        self.send = tr_txt(KButton(size_role="heading", bold=True, auto_height=False, size_hint_y=None,
                                   height=round(app.touch_px * 1.2), on_release=lambda b: self.submit()),
                           N_("Send"))
        # What the form leaves of a portrait body is shared out between its groups (faces, topics, Send)
        # instead of lying as one blank band above Send.
        for widget in (self.faces, self.meaning, Widget(), self.topics_hint, chips, Widget(), self.send):
            self.form.add_widget(widget)

        self.thanks = BoxLayout(orientation="vertical", spacing=round(24 * app.scale))
        self.thanks.add_widget(Widget())
        self.thanks.add_widget(tr_txt(KLabel(size_role="hero", bold=True, align="center", tone="accent"),
                                      N_("Thank you!")))
        self.thanks.add_widget(tr_txt(KLabel(size_role="heading", align="center"),
                                      N_("Your answer helps the city to make the centre better.")))
        self.thanks.add_widget(Widget())
        app.fbind("translated", lambda *a: self._mark())

    def _fit_faces(self, *args) -> None:
        """Room for the face (two touch sizes) and its word under it, however many lines the word takes."""
        words = max(face.word.height for face in self.face_buttons.values())
        for face in self.face_buttons.values():
            face.word_room = words
        self.faces.size_hint_max_y = round(self.app.touch_px * 2 + words + 8)

    # -- what the visitor does ----------------------------------------------------------------

    def choose_rating(self, rating: int) -> None:
        self.rating = rating
        self._mark()

    def toggle_topic(self, topic: str) -> None:
        self.topics ^= {topic}
        self._mark()

    def submit(self) -> None:
        if self.rating is None:
            return
        answer = FeedbackAnswer(self.rating, tuple(self.topics), self.app.language)
        self.app.services.send_feedback(answer)  # an earlier answer or a failing outbox: thanked all the same
        self._clear()
        self.refresh()

    # -- drawing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.stale = False
        body = self.frame.body
        body.clear_widgets()
        if self.app.services.feedback_session.can_answer:
            self._mark()
            body.add_widget(self.form)
            self.question.opacity = self.privacy.opacity = 1
        else:
            body.add_widget(self.thanks)
            self.question.opacity = self.privacy.opacity = 0

    def _mark(self) -> None:
        for rating, face in self.face_buttons.items():
            face.selected = rating == self.rating
        self.meaning.txt = tr._(RATING_WORDS[self.rating]) if self.rating else tr._("Touch a face.")
        for topic, chip in self.chips.items():
            on = topic in self.topics
            chip.txt = ("✓ " if on else "") + tr._(TOPIC_WORDS[topic])
            chip.bg, chip.tone = ("accent", "on_accent") if on else ("surface", "text")
        ready = self.rating is not None
        self.send.disabled = not ready
        self.send.opacity = 1 if ready else 0.55
        self.send.bg, self.send.tone = ("accent", "on_accent") if ready else ("surface", "text")

    def _clear(self) -> None:
        self.rating = None
        self.topics = set()

    def reset(self) -> None:
        """The idle reset: a half-filled survey is forgotten."""
        super().reset()
        self._clear()
        self._mark()
