"""The content desk with Django's test client: import, forms checked by the terminal's code, roles, login lock, publish."""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from django.core.management import call_command  # noqa: E402

from sync.signing import verify_signature, write_keypair  # noqa: E402

NOW = datetime(2026, 11, 26, 16, 30, tzinfo=timezone.utc)
DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "feed.json"


@pytest.fixture(autouse=True)
def english():
    """Outside a request the desk speaks its default, German; the words asserted are the English ones."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the words asserted are the English ones
    return client


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.DESK_WEB_ROOT = tmp_path / "site"
    settings.DESK_MEDIA_DIR = tmp_path / "media"
    key_path, public = write_keypair(tmp_path / "keys")
    settings.DESK_SIGNING_KEY = key_path
    call_command("import_feed", str(DEMO), stdout=open(os.devnull, "w"))
    return {"public": public, "site": tmp_path / "site"}


def user(django_user_model, name: str, role: str):
    call_command("desk_user", name, "--role", role, "--password", "pw-" + name, stdout=open(os.devnull, "w"))
    return django_user_model.objects.get(username=name)


@pytest.fixture
def editor(client, desk, django_user_model):
    client.force_login(user(django_user_model, "erika", "editor"))
    return client


@pytest.fixture
def publisher(client, desk, django_user_model):
    client.force_login(user(django_user_model, "paul", "publisher"))
    return client


def event_form(**changes) -> dict:
    form = {"feed_id": "wochenmarkt-test", "title_de": "Wochenmarkt", "title_en": "Weekly market", "category": "market",
            "start_0": "2026-12-05", "start_1": "08:00:00", "end_0": "2026-12-05", "end_1": "13:00:00",
            "repeat": "WEEKLY", "interval": "1", "weekdays": ["SA"], "until": "", "count": "", "exceptions": "",
            "rrule": "", "place_id": "", "url": ""}
    form.update(changes)
    return form


def test_import_brings_every_kind_of_content(desk):
    from desk.content.models import Campaign, Event, Kiosk, Notice, Page, PlaceOverlay

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    assert Event.objects.count() == len(demo["events"])
    assert Kiosk.objects.count() == len(demo["kiosks"]) and Notice.objects.count() == len(demo["notices"])
    assert Campaign.objects.count() == len(demo["campaigns"]) and Page.objects.count() == len(demo["pages"])
    assert PlaceOverlay.objects.filter(owner_run=True).count() == sum(1 for p in demo["places"] if p.get("owner_run"))


def test_publish_builds_signs_and_writes_the_feed_with_its_images(desk, django_user_model):
    from desk.content.publish import publish

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    made = publish(user(django_user_model, "paul", "publisher"), NOW)
    site = desk["site"]
    data = (site / "feed.json").read_bytes()
    verify_signature(data, (site / "feed.json.sig").read_text(), [desk["public"]])
    feed = json.loads(data)
    assert feed["sequence"] == made.sequence > demo["sequence"]
    assert {e["id"] for e in feed["events"]} == {e["id"] for e in demo["events"]}
    assert len(feed["places"]) == len(demo["places"]) and feed["map"] == demo["map"]
    for item in feed["events"] + feed["campaigns"] + feed["places"]:
        if "image" in item:
            assert (site / item["image"]["url"]).is_file(), item["image"]["url"]
    assert made.published_by.username == "paul" and made.summary.startswith("Changes:")


def test_the_sequence_always_grows(desk, django_user_model):
    from desk.content.publish import publish

    paul = user(django_user_model, "paul", "publisher")
    first = publish(paul, NOW)
    second = publish(paul, NOW - timedelta(days=3))  # a clock set back never makes it go back
    assert second.sequence == first.sequence + 1
    assert second.summary.startswith("No content changes")


def test_an_invalid_feed_publishes_nothing_and_says_why(desk, django_user_model):
    from desk.content.models import Page
    from desk.content.publish import PublishRefused, publish

    Page.objects.filter(feed_id="help").update(title={})
    with pytest.raises(PublishRefused) as refused:
        publish(user(django_user_model, "paul", "publisher"), NOW)
    assert "Nothing was published" in str(refused.value)
    assert any("pages" in line and "title" in line for line in refused.value.problems), refused.value.problems
    assert not (desk["site"] / "feed.json").exists()


def test_a_key_file_others_can_read_is_refused(desk, django_user_model, settings):
    from desk.content.publish import PublishRefused, publish

    Path(settings.DESK_SIGNING_KEY).chmod(0o644)
    with pytest.raises(PublishRefused, match="chmod 600"):
        publish(user(django_user_model, "paul", "publisher"), NOW)


def test_the_recurrence_editor_writes_the_rrule(editor):
    from desk.content.models import Event

    answer = editor.post("/admin/content/event/add/", event_form(exceptions="2026-12-26"))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    market = Event.objects.get(feed_id="wochenmarkt-test")
    assert market.rrule == "FREQ=WEEKLY;BYDAY=SA"
    assert market.exdates == ["2026-12-26T08:00:00+01:00"]
    assert market.title == {"de": "Wochenmarkt", "en": "Weekly market"}
    until = editor.post(f"/admin/content/event/{market.pk}/change/", event_form(until="2027-03-27"))
    assert until.status_code == 302
    market.refresh_from_db()
    assert market.rrule == "FREQ=WEEKLY;BYDAY=SA;UNTIL=20270327T070000Z"  # 08:00 in Berlin is 07:00 UTC in winter


def test_a_rule_the_terminal_cannot_repeat_is_refused_at_the_field(editor):
    answer = editor.post("/admin/content/event/add/", event_form(repeat="CUSTOM", rrule="FREQ=WEEKLY;BYDAY=XX"))
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors
    assert "rrule" in errors and "recurrence rule" in errors["rrule"][0], errors


def test_texts_need_the_default_language_and_mark_missing_translations(editor):
    answer = editor.post("/admin/content/event/add/", event_form(title_de="", title_en="Weekly market"))
    errors = answer.context["adminform"].form.errors
    assert "title" in errors and "German" in errors["title"][0]
    page = editor.get("/admin/content/event/add/").content.decode()
    assert page.count("translation missing") >= 7  # every city locale of an empty title and summary
    assert 'name="title_uk"' in page


def test_a_campaign_that_ends_before_it_starts_is_refused_at_the_field(editor):
    answer = editor.post("/admin/content/campaign/add/", {
        "feed_id": "kurz", "title_de": "Kurz", "place_ids": ["buchhandlung-seitenwind"],
        "valid_from_0": "2026-12-10", "valid_from_1": "10:00", "valid_until_0": "2026-12-01", "valid_until_1": "10:00"})
    errors = answer.context["adminform"].form.errors
    assert list(errors) == ["valid_until"] and "ends before it starts" in errors["valid_until"][0]


def test_opening_hours_are_checked_by_the_terminals_code(editor):
    from desk.content.models import PlaceOverlay

    overlay = PlaceOverlay.objects.get(place_id="buchhandlung-seitenwind")
    form = {"place_id": overlay.place_id, "owner_run": "on", "labels": "qualitaetsroute",
            "description_de": "Buchhandlung", "opening_hours": "Mo-Fr 10:00-19:00; Sa 25:00-18:00"}
    answer = editor.post(f"/admin/content/placeoverlay/{overlay.pk}/change/", form)
    errors = answer.context["adminform"].form.errors
    assert "opening_hours" in errors and "opening_hours" in errors["opening_hours"][0]
    bad = editor.get("/admin/hours-check/", {"value": "Mo-Fr 10:00-19:00; Sa 25:00-18:00"}).json()
    good = editor.get("/admin/hours-check/", {"value": "Mo-Su 00:00-24:00"}).json()
    assert bad["ok"] is False and good == {"ok": True, "message": good["message"]}
    assert good["message"].startswith(("Open now", "Jetzt geöffnet"))


def test_an_editor_cannot_publish_and_a_publisher_can(editor, desk, django_user_model, client):
    assert editor.get("/admin/publish/").status_code == 403
    assert editor.post("/admin/publish/").status_code == 403
    assert not (desk["site"] / "feed.json").exists()
    assert editor.get("/admin/content/kiosk/add/").status_code == 403  # kiosks belong to the admin role
    client.force_login(user(django_user_model, "paul", "publisher"))
    page = client.get("/admin/publish/")
    assert page.status_code == 200 and "desk-publish" in page.content.decode()
    assert client.post("/admin/publish/").status_code == 302
    assert (desk["site"] / "feed.json").exists()
    assert client.get("/admin/content/event/add/").status_code == 403  # publishers do not write content


def test_five_wrong_passwords_lock_the_login(client, desk, django_user_model):
    user(django_user_model, "erika", "editor")
    for _ in range(5):
        wrong = client.post("/admin/login/", {"username": "erika", "password": "nope"})
        assert wrong.status_code == 200
    right = client.post("/admin/login/", {"username": "erika", "password": "pw-erika"})
    assert right.status_code == 200 and "locked until" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_lasts_fifteen_minutes_and_counts_afresh_after(db):
    from desk.content import logins

    for minute in range(4):
        logins.record_failure("Erika", NOW + timedelta(minutes=minute))
    assert logins.locked_until("erika", NOW + timedelta(minutes=4)) is None  # four are not enough
    logins.record_failure("erika", NOW + timedelta(minutes=4))
    assert logins.locked_until("erika", NOW + timedelta(minutes=18)) == NOW + timedelta(minutes=19)
    assert logins.locked_until("erika", NOW + timedelta(minutes=19)) is None
    logins.record_failure("erika", NOW + timedelta(minutes=20))  # after the lock one wrong password is one
    assert logins.locked_until("erika", NOW + timedelta(minutes=20)) is None


def test_an_older_version_is_published_again_as_a_new_sequence(publisher, desk):
    from desk.content.models import Event, Publication

    assert publisher.post("/admin/publish/").status_code == 302
    first = Publication.objects.get()
    Event.objects.filter(feed_id="neujahrskonzert-2027").delete()
    assert publisher.post("/admin/publish/").status_code == 302
    assert publisher.post("/admin/publish/", {"again": str(first.sequence)}).status_code == 302
    third = Publication.objects.order_by("-sequence").first()
    live = json.loads((desk["site"] / "feed.json").read_bytes())
    assert third.sequence == live["sequence"] > first.sequence + 1
    assert "neujahrskonzert-2027" in {e["id"] for e in live["events"]}
    verify_signature((desk["site"] / "feed.json").read_bytes(), (desk["site"] / "feed.json.sig").read_text(),
                     [desk["public"]])
    assert third.summary.startswith(f"Again as of {first.sequence}.") and "events: 1 added" in third.summary


def test_the_desk_speaks_german_and_sessions_expire(publisher, settings):
    page = publisher.get("/admin/publish/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Jetzt signieren und veröffentlichen" in page and "Abmelden" in page
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and 0 < publisher.session.get_expiry_age() <= 8 * 3600


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_over_the_feeds_limit_is_refused_at_the_field(editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = png()[:-12] + b"\0" * (2 * 1024 * 1024) + png()[-12:]
    answer = editor.post("/admin/content/event/add/", {
        **event_form(), "image_file": SimpleUploadedFile("markt.png", big), "image_alt_de": "Marktstände"})
    errors = answer.context["adminform"].form.errors
    assert list(errors) == ["image_file"] and "over the limit" in errors["image_file"][0], errors
    text = editor.post("/admin/content/event/add/", {
        **event_form(), "image_file": SimpleUploadedFile("markt.png", b"GIF89a not a png"), "image_alt_de": "x"})
    assert "neither a JPEG nor a PNG" in text.context["adminform"].form.errors["image_file"][0]


def test_an_uploaded_image_with_alt_text_is_published_beside_the_feed(editor, desk, django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from desk.content.publish import publish

    no_alt = editor.post("/admin/content/event/add/", {**event_form(), "image_file": SimpleUploadedFile("m.png", png())})
    assert "image_alt" in no_alt.context["adminform"].form.errors
    saved = editor.post("/admin/content/event/add/", {
        **event_form(), "image_file": SimpleUploadedFile("m.png", png()), "image_alt_de": "Marktstände in der Sonne",
        "image_alt_en": "Market stalls in the sun"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    publish(user(django_user_model, "paul", "publisher"), NOW)
    feed = json.loads((desk["site"] / "feed.json").read_bytes())
    image = next(e for e in feed["events"] if e["id"] == "wochenmarkt-test")["image"]
    assert image["alt"] == {"de": "Marktstände in der Sonne", "en": "Market stalls in the sun"}
    assert (desk["site"] / image["url"]).read_bytes() == png()


def test_every_word_of_the_desk_has_a_german_translation():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    desk_dir = Path(__file__).resolve().parents[1] / "desk"
    words = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(desk_dir), method_map=[("**.py", "python")], keywords={"_": None, "gettext": None, "gettext_lazy": None})}
    for template in desk_dir.glob("content/templates/**/*.html"):  # the pages' own words too
        found = re.findall(r"""{% translate (?:"([^"]+)"|'([^']+)') %}""", template.read_text(encoding="utf-8"))
        words |= {double or single for double, single in found}
    assert "Drag the red pin" in " ".join(words)  # the templates were read
    with (desk_dir / "locale" / "de" / "LC_MESSAGES" / "django.po").open("rb") as stream:
        catalog = read_po(stream)
    untranslated = sorted(w for w in words if not (catalog.get(w) and catalog.get(w).string))
    assert not untranslated, untranslated


def test_two_publishers_racing_for_one_sequence_write_nothing_twice(desk, django_user_model, monkeypatch):
    from desk.content import publish as publishing
    from desk.content.models import Publication

    paul = user(django_user_model, "paul", "publisher")
    Publication.objects.create(sequence=202612011200, published_at=NOW, summary="the other publisher's",
                               feed_json="{}", feed_sha256="0" * 64)
    monkeypatch.setattr(publishing, "next_sequence", lambda now: 202612011200)  # both read the same last sequence
    with pytest.raises(publishing.PublishRefused, match="someone else published"):
        publishing.publish(paul, NOW)
    assert not (desk["site"] / "feed.json").exists() and Publication.objects.count() == 1


@pytest.mark.slow
def test_an_editor_previews_the_terminals_screen_with_the_new_market(editor):
    assert editor.post("/admin/content/event/add/", event_form()).status_code == 302
    page = editor.get("/admin/preview/", {"at": "2026-12-12T09:00", "lang": "en", "screen": "today"})
    result = page.context["result"]
    assert [(s.screen, s.status) for s in result.shots] == [("today", "ok")], result.shots
    image = editor.get(f"/admin/preview/{result.shots[0].file}")
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert editor.get("/admin/preview/../../secret-key").status_code == 404


def test_publishing_what_was_imported_changes_nothing_but_image_file_names(desk, django_user_model):
    import shutil

    from desk.content.publish import publish

    desk["site"].mkdir(parents=True)
    shutil.copy(DEMO, desk["site"] / "feed.json")  # the demo is live
    made = publish(user(django_user_model, "paul", "publisher"), NOW)
    assert made.diff and all("image.url" in line for line in made.diff.splitlines()), made.diff  # hash names


def test_content_the_build_would_leave_out_publishes_nothing_and_is_listed(desk, django_user_model):
    from desk.content.models import Campaign, Event
    from desk.content.publish import PublishRefused, publish

    Event.objects.filter(feed_id="weihnachtsbaum-illumination").update(place_id="abgerissenes-kaufhaus")
    Campaign.objects.filter(feed_id="zwischennutzung").update(place_ids=["gibt-es-nicht"])
    with pytest.raises(PublishRefused) as refused:
        publish(user(django_user_model, "paul", "publisher"), NOW)
    assert "would not get all of the content" in str(refused.value)
    lines = refused.value.problems
    assert "a place it refers to is not among the places (the reference would be removed): event " \
           "weihnachtsbaum-illumination: place_id abgerissenes-kaufhaus" in lines, lines
    assert any("campaign none of whose shops" in line and "zwischennutzung" in line for line in lines), lines
    assert not (desk["site"] / "feed.json").exists()


def test_the_changes_and_refusals_speak_the_publishers_language(desk, django_user_model):
    from django.utils import translation

    from desk.content.models import Event
    from desk.content.publish import PublishRefused, preview, publish

    with translation.override("de"):
        made = preview(NOW)
        assert made.summary.startswith("Änderungen: Orte:") and made.diff_lines[0].startswith("Ort neu: ")
        Event.objects.filter(feed_id="weihnachtsbaum-illumination").update(place_id="abgerissenes-kaufhaus")
        with pytest.raises(PublishRefused) as refused:
            publish(user(django_user_model, "paul", "publisher"), NOW)
    assert str(refused.value).startswith("Nichts wurde veröffentlicht")
    assert refused.value.problems[0].startswith("ein Ort, auf den verwiesen wird, fehlt")


def test_every_page_carries_a_strict_content_security_policy(editor):
    policy = editor.get("/admin/content/event/add/")["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy  # no inline code, no other origin (no CDN)


def test_the_kiosk_map_gets_the_citys_own_map(editor):
    answer = editor.get("/admin/city-map.json").json()
    assert answer["type"] == "FeatureCollection" and len(answer["features"]) > 100


def test_every_change_is_in_one_audit_trail_for_the_admin(editor, client, django_user_model):
    assert editor.post("/admin/content/event/add/", event_form()).status_code == 302
    client.force_login(user(django_user_model, "ina", "admin"))
    trail = client.get("/admin/admin/logentry/").content.decode()
    assert "erika" in trail and "wochenmarkt-test" in trail and "Added." in trail
    assert client.get("/admin/admin/logentry/add/").status_code == 403  # the trail cannot be written by hand


def test_only_who_may_change_a_kiosk_gets_the_map_to_move_it(editor, client, django_user_model):
    from desk.content.models import Kiosk

    kiosk = Kiosk.objects.get(feed_id="alter-markt")
    viewed = editor.get(f"/admin/content/kiosk/{kiosk.pk}/change/").content.decode()
    assert viewed.count("desk-kiosk-map") == 0 and "Alter Markt" in viewed  # editors see it, read-only
    client.force_login(user(django_user_model, "ina", "admin"))
    changed = client.get(f"/admin/content/kiosk/{kiosk.pk}/change/").content.decode()
    assert 'id="desk-kiosk-map"' in changed and "/static/leaflet/leaflet.js" in changed


def test_arabic_is_typed_right_to_left_in_its_own_input(editor):
    page = editor.get("/admin/content/event/add/").content.decode()
    assert re.search(r'<input[^>]*name="title_ar"[^>]*>', page).group(0).count('dir="rtl"') == 1
    assert 'lang="ar"' in page and 'name="title_de"' in page and 'dir="rtl"' not in re.search(
        r'<input[^>]*name="title_de"[^>]*>', page).group(0)
