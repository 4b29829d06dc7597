"""A route as steps a visitor reads: "Walk 120 m along Westenhellweg", "Turn left into Kampstraße".

describe_route_structured() decides what to say (the UI draws icons from it); describe_route()
says it in the visitor's language. Turn thresholds, as the angle between the incoming and the
outgoing direction: up to 20° straight on (no step), over 20° up to 45° slight, over 45° up to
135° left/right, beyond 135° sharp.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.units import format_unit

from kiosk.i18n import localized, translator
from kiosk.wayfinding import Leg, Route, StepFreeGap, Text

STRAIGHT_MAX_DEG = 20.0
SLIGHT_MAX_DEG = 45.0
TURN_MAX_DEG = 135.0
SHORT_DISTANCE_M = 50.0


@dataclass(frozen=True)
class Step:
    kind: str  # 'walk' | 'turn' | 'steps' | 'escalator' | 'lift' | 'arrive'
    # turn: 'left', 'right', 'slight_left', 'slight_right', 'sharp_left', 'sharp_right';
    # steps, escalator: 'up', 'down' or None; arrive: 'left', 'right' or None; walk, lift: None
    direction: str | None
    distance_m: float  # the stretch this step starts (0 for arrive)
    street: Text  # raw feed text, None when the way has no name
    layer: str | None
    same_street: bool = False  # a turn that keeps to the street already walked
    level: float | None = None  # lift: the level it goes to (None when the feed does not say)


def turn_direction(bearing_in: float, bearing_out: float) -> str | None:
    """The turn between two walking directions (degrees from north), None when straight on."""
    delta = (bearing_out - bearing_in + 540.0) % 360.0 - 180.0  # positive: clockwise, to the right
    size = abs(delta)
    if size <= STRAIGHT_MAX_DEG:
        return None
    side = "right" if delta > 0 else "left"
    if size <= SLIGHT_MAX_DEG:
        return "slight_" + side
    if size <= TURN_MAX_DEG:
        return side
    return "sharp_" + side


def describe_route_structured(route: Route) -> list[Step]:
    """The steps of a route: same-street legs merged, a turn wherever the way changes direction."""
    stretches: list[list[Leg]] = []
    for leg in route.legs:
        if stretches and _same_way(stretches[-1][-1], leg):
            previous = stretches[-1][-1]
            turn = turn_direction(previous.bearing_end, leg.bearing_start)
            # A real junction where the street itself bends away: say so, or the visitor walks on.
            # A square is crossed, not followed: a bend of its walking line is no turn to announce.
            if leg.layer == "square" or not ((leg.junction_degree or 0) >= 3 and turn is not None
                                             and "slight" not in turn):
                stretches[-1].append(leg)
                continue
        stretches.append([leg])

    steps: list[Step] = []
    for i, stretch in enumerate(stretches):
        first = stretch[0]
        length = sum(leg.length_m for leg in stretch)
        kind = {"elevator": "lift", "escalator": "escalator"}.get(first.link or "",
                                                                 "steps" if first.layer == "steps" else "walk")
        if i:
            previous = stretches[i - 1][-1]
            turn = turn_direction(previous.bearing_end, first.bearing_start)
            # A lift has no direction to turn to: its doors open where they open.
            if turn is not None and "elevator" not in (previous.link, first.link):
                steps.append(Step("turn", turn, length, first.name, first.layer,
                                  same_street=_same_way(previous, first)))
        direction = (next((leg.incline for leg in stretch if leg.incline), None)
                     if kind in ("steps", "escalator") else None)
        steps.append(Step(kind, direction, length, first.name, first.layer, level=stretch[-1].level_to))
    steps.append(Step("arrive", route.destination_side, 0.0, None, None))
    return steps


def describe_route(route: Route, lang: str, *, default_locale: str = "de") -> list[str]:
    """The route as sentences in the visitor's language."""
    _ = translator(lang).gettext
    sentences = []
    for step in describe_route_structured(route):
        name = localized(step.street, lang, default_locale) if step.street is not None else ""
        way = _way_kind(step.layer)
        if step.kind == "walk":
            sentences.append(_walk_sentence(_, name, way).format(
                distance=format_distance(step.distance_m, lang), street=name))
        elif step.kind == "steps":
            sentences.append({"up": _("Take the steps up"), "down": _("Take the steps down")}
                             .get(step.direction or "", _("Take the steps")))
        elif step.kind == "escalator":
            sentences.append({"up": _("Take the escalator up"), "down": _("Take the escalator down")}
                             .get(step.direction or "", _("Take the escalator")))
        elif step.kind == "lift":
            sentences.append(_lift_sentence(_, step.level, lang))
        elif step.kind == "turn":
            if step.same_street and name:
                table = _stay_sentences(_)
                sentences.append(table.get(step.direction or "", table["left"]).format(street=name))
            else:
                table = _turn_sentences(_)["named" if name and way != "steps" else way]
                sentences.append(table[step.direction or "left"].format(street=name))
        else:
            sentences.append({"left": _("Your destination is on the left"),
                              "right": _("Your destination is on the right")}
                             .get(step.direction or "", _("You have arrived at your destination")))
    return sentences


def describe_step_free_gap(gap: StepFreeGap, lang: str, *, default_locale: str = "de") -> list[str]:
    """Why there is no step-free way, in the visitor's language: the barrier, and how near one gets."""
    _ = translator(lang).gettext
    before = localized(gap.street_before, lang, default_locale) if gap.street_before is not None else ""
    near = localized(gap.nearest_street, lang, default_locale) if gap.nearest_street is not None else ""
    distance = format_distance(gap.nearest_gap_m, lang)
    return [
        _("There are steps after {street} that cannot be avoided.").format(street=before) if before
        else _("There are steps on the way that cannot be avoided."),
        _("Without steps you can get within {distance} of it, along {street}.").format(distance=distance, street=near)
        if near else _("Without steps you can get within {distance} of it.").format(distance=distance),
    ]


def format_distance(metres: float, lang: str) -> str:
    """A walking distance rounded the way people say it: "less than 50 m", "120 m", "1.2 km"."""
    _ = translator(lang).gettext
    locale = _babel_locale(lang)
    if metres < SHORT_DISTANCE_M:
        short = format_unit(int(SHORT_DISTANCE_M), "length-meter", length="short", locale=locale)
        return _("less than {distance}").format(distance=short)
    rounded = round(metres / 10.0) * 10
    if rounded < 1000:
        return format_unit(rounded, "length-meter", length="short", locale=locale)
    return format_unit(round(metres / 100.0) / 10, "length-kilometer", length="short",
                       format="#,##0.#", locale=locale)


# -- sentences ----------------------------------------------------------------------------------

def _lift_sentence(_: Callable[[str], str], level: float | None, lang: str) -> str:
    if level is None:
        return _("Take the lift")
    if level == 0:
        return _("Take the lift to street level")
    number = format_decimal(level, locale=_babel_locale(lang))
    return _("Take the lift to level {level}").format(level=number)


def _same_way(a: Leg, b: Leg) -> bool:
    if (a.layer == "steps") != (b.layer == "steps") or a.link != b.link:
        return False
    if a.name is None and b.name is None:
        return a.layer == b.layer
    return _text_key(a.name) == _text_key(b.name)


def _text_key(text: Text) -> object:
    if isinstance(text, Mapping):
        return tuple(sorted(text.items()))
    return text


def _way_kind(layer: str | None) -> str:
    # A walking line drawn through a building is a passage.
    return {"street": "street", "footway": "footway", "square": "square", "steps": "steps",
            "park": "park", "building": "passage", "passage": "passage"}.get(layer or "", "path")


def _babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _walk_sentence(_: Callable[[str], str], name: str, way: str) -> str:
    if name:
        if way == "square":
            return _("Cross {street}")
        return _("Walk {distance} along {street}")
    return {
        "street": _("Walk {distance} along the street"),
        "footway": _("Walk {distance} along the footpath"),
        "square": _("Cross the square"),
        "passage": _("Walk {distance} through the passage"),
        "park": _("Walk {distance} through the park"),
        "steps": _("Take the steps"),
    }.get(way, _("Walk {distance} along the path"))


def _stay_sentences(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "left": _("Turn left to stay on {street}"),
        "right": _("Turn right to stay on {street}"),
        "sharp_left": _("Turn sharp left to stay on {street}"),
        "sharp_right": _("Turn sharp right to stay on {street}"),
    }


def _turn_sentences(_: Callable[[str], str]) -> dict[str, dict[str, str]]:
    # Whole sentences per direction and kind of way, so every language can build its own grammar.
    return {
        "named": {
            "left": _("Turn left into {street}"),
            "right": _("Turn right into {street}"),
            "slight_left": _("Turn slightly left into {street}"),
            "slight_right": _("Turn slightly right into {street}"),
            "sharp_left": _("Turn sharp left into {street}"),
            "sharp_right": _("Turn sharp right into {street}"),
        },
        "street": {
            "left": _("Turn left onto the street"),
            "right": _("Turn right onto the street"),
            "slight_left": _("Turn slightly left onto the street"),
            "slight_right": _("Turn slightly right onto the street"),
            "sharp_left": _("Turn sharp left onto the street"),
            "sharp_right": _("Turn sharp right onto the street"),
        },
        "footway": {
            "left": _("Turn left onto the footpath"),
            "right": _("Turn right onto the footpath"),
            "slight_left": _("Turn slightly left onto the footpath"),
            "slight_right": _("Turn slightly right onto the footpath"),
            "sharp_left": _("Turn sharp left onto the footpath"),
            "sharp_right": _("Turn sharp right onto the footpath"),
        },
        "square": {
            "left": _("Turn left onto the square"),
            "right": _("Turn right onto the square"),
            "slight_left": _("Turn slightly left onto the square"),
            "slight_right": _("Turn slightly right onto the square"),
            "sharp_left": _("Turn sharp left onto the square"),
            "sharp_right": _("Turn sharp right onto the square"),
        },
        "passage": {
            "left": _("Turn left into the passage"),
            "right": _("Turn right into the passage"),
            "slight_left": _("Turn slightly left into the passage"),
            "slight_right": _("Turn slightly right into the passage"),
            "sharp_left": _("Turn sharp left into the passage"),
            "sharp_right": _("Turn sharp right into the passage"),
        },
        "steps": {
            "left": _("Turn left to the steps"),
            "right": _("Turn right to the steps"),
            "slight_left": _("Turn slightly left to the steps"),
            "slight_right": _("Turn slightly right to the steps"),
            "sharp_left": _("Turn sharp left to the steps"),
            "sharp_right": _("Turn sharp right to the steps"),
        },
        "park": {
            "left": _("Turn left onto the path through the park"),
            "right": _("Turn right onto the path through the park"),
            "slight_left": _("Turn slightly left onto the path through the park"),
            "slight_right": _("Turn slightly right onto the path through the park"),
            "sharp_left": _("Turn sharp left onto the path through the park"),
            "sharp_right": _("Turn sharp right onto the path through the park"),
        },
        "path": {
            "left": _("Turn left onto the path"),
            "right": _("Turn right onto the path"),
            "slight_left": _("Turn slightly left onto the path"),
            "slight_right": _("Turn slightly right onto the path"),
            "sharp_left": _("Turn sharp left onto the path"),
            "sharp_right": _("Turn sharp right onto the path"),
        },
    }
