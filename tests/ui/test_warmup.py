"""While nobody is at the terminal, the map scene and walking network of new content are built ahead."""
from __future__ import annotations

import gc

from kiosk.ui.warmup import FILLED_AHEAD, VISITOR_SCREENS
from kiosk.ui.widgets import map_layers
from tests.ui.harness import frames


def _until_warm(app, limit: int = 2000) -> int:
    for count in range(1, limit + 1):
        frames(1)
        if app.warmup.done:
            return count
    raise AssertionError(f"The warm-up did not finish in {limit} frames on the attract screen.")


def test_the_attract_loop_builds_the_map_before_a_visitor_opens_it(app):
    app.content_changed()  # new content: nothing of the map is built yet
    assert app._map_scene is None and not app.warmup.done
    _until_warm(app)
    scene = app._map_scene
    assert scene is not None and app._walks is not None
    assert gc.get_freeze_count() > 0  # the long-lived heap no longer costs a visitor a full collection
    assert all(app.screen_state(name) != "missing" for name in VISITOR_SCREENS)  # a first visit only fills
    assert all(app.screen_state(name) == "ready" for name in FILLED_AHEAD)  # ... filled for this content
    assert "_search_index" in vars(app.content)  # the first keystroke searches at once
    builds = map_layers.BUILDS["scene"]
    layouts = app._screens["map"].map.layouts
    app.go("map")
    frames(2)
    assert app.current().map.scene is scene and map_layers.BUILDS["scene"] == builds
    # Filled ahead at the size it shows at: the first visit lays out no marker or name again.
    assert app.current().map.layouts == layouts


def test_a_visitor_is_never_slowed_by_the_warm_up_and_gets_the_rest_built_at_once(app):
    app.go("home")
    frames(1)
    app.content_changed()
    frames(20)
    assert app.warmup.frames == 0 and app._map_scene is None  # a visitor's frames are theirs alone
    builds = map_layers.BUILDS["scene"]
    app.go("map")
    frames(2)
    assert app.current().map.scene is app._map_scene is not None
    assert map_layers.BUILDS["scene"] == builds + 1
    app.go("attract", remember=False)
    _until_warm(app)  # what is left (the walking network) is done at the next quiet moment
    assert map_layers.BUILDS["scene"] == builds + 1


def test_garbage_of_a_visit_is_collected_once_the_visitor_has_left(app):
    _until_warm(app)
    collections = app.warmup.collections
    app.go("home")
    frames(2)
    app.go("shops")
    frames(2)
    assert app.warmup.collections == collections  # never while someone is there
    app.reset_for_next_visitor()
    _until_warm(app)
    assert app.warmup.collections == collections + 1 and gc.get_freeze_count() > 0
