"""Emergency notices in the desk with Django's test client: the form, roles, the signed alerts.json, the trail."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the desk extra is not installed")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from sync.alerts import parse_document, verified_document  # noqa: E402
from sync.signing import write_keypair  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "feed.json"
ADD = "/admin/alerts/emergencynotice/add/"
LIST = "/admin/alerts/emergencynotice/"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.DESK_WEB_ROOT = tmp_path / "site"
    key_path, public = write_keypair(tmp_path / "keys")
    settings.DESK_SIGNING_KEY = key_path
    call_command("import_feed", str(DEMO), stdout=open(os.devnull, "w"))
    return {"public": public, "site": tmp_path / "site"}


def log_in(client, django_user_model, name: str, role: str):
    call_command("desk_user", name, "--role", role, "--password", "pw-" + name, stdout=open(os.devnull, "w"))
    client.force_login(django_user_model.objects.get(username=name))
    return client


def form(**changes) -> dict:
    until = timezone.localtime(timezone.now() + timedelta(hours=1))  # the form refuses a moment in the past
    values = {"template": "street-closed", "text_de": "Die Kampstraße ist gesperrt.", "text_en": "Kampstraße is closed.",
              "all_kiosks": "True", "valid_until_0": until.strftime("%Y-%m-%d"),
              "valid_until_1": until.strftime("%H:%M:%S")}
    values.update(changes)
    return values


def live(desk):
    site = desk["site"]
    return verified_document((site / "alerts.json").read_bytes(), (site / "alerts.json.sig").read_bytes(),
                             [desk["public"]])


def test_a_publisher_publishes_then_ends_a_notice_and_every_write_is_signed_and_recorded(desk, client,
                                                                                          django_user_model):
    from desk.alerts.models import AlertRelease, EmergencyNotice

    log_in(client, django_user_model, "paul", "publisher")
    page = client.get(ADD)
    assert page.status_code == 200 and "Publish now" in page.content.decode()
    # English page, but the templates carry every city language for the script that fills them in
    assert "Bitte verlassen Sie diesen Bereich sofort." in page.content.decode()
    answer = client.post(ADD, form(), follow=True)
    assert "Every online terminal shows it within a minute" in answer.content.decode()
    notice = EmergencyNotice.objects.get()
    first = live(desk)
    assert [n.id for n in first.notices] == [notice.feed_id]
    assert first.notices[0].text == {"de": "Die Kampstraße ist gesperrt.", "en": "Kampstraße is closed."}
    assert first.notices[0].kiosk_ids is None and first.default_locale == "de"
    assert first.notices[0].start is None  # shown at once, even by a terminal whose clock runs behind
    assert 'id="desk-alert-end"' in client.get(f"{LIST}{notice.pk}/change/").content.decode()
    ended = client.post(f"{LIST}{notice.pk}/end/", follow=True)
    assert "takes it down within a minute" in ended.content.decode()
    second = live(desk)
    assert second.notices == () and second.sequence > first.sequence
    assert [r.reason for r in AlertRelease.objects.order_by("sequence")] == [f"published {notice.feed_id}",
                                                                            f"ended {notice.feed_id}"]
    notice.refresh_from_db()
    assert 'id="desk-alert-end"' not in client.get(f"{LIST}{notice.pk}/change/").content.decode()
    assert notice.ended_by.username == "paul" and notice.published_by.username == "paul"
    history = client.get(f"{LIST}{notice.pk}/history/").content.decode()
    assert "Added" in history and "Changed ended at." in history


def test_some_terminals_only(desk, client, django_user_model):
    from desk.content.models import Kiosk

    log_in(client, django_user_model, "paul", "publisher")
    kiosk = Kiosk.objects.order_by("feed_id").first()
    client.post(ADD, form(all_kiosks="False", kiosks=[kiosk.pk]))
    assert live(desk).notices[0].kiosk_ids == (kiosk.feed_id,)
    refused = client.post(ADD, form(all_kiosks="False"))
    assert "Choose at least one terminal" in refused.content.decode()


@pytest.mark.parametrize("changes, words", [
    ({"text_en": "Lost a child? Help point: [place]."}, "Replace [place] with what it stands for"),
    ({"text_de": ""}, "The text in German is required"),
    ({"valid_until_0": "2020-01-01"}, "This moment has passed"),
    ({"valid_until_0": "2099-01-01"}, "At most seven days"),
])
def test_the_form_refuses_what_should_not_reach_a_screen(desk, client, django_user_model, changes, words):
    log_in(client, django_user_model, "paul", "publisher")
    answer = client.post(ADD, form(**changes))
    assert answer.status_code == 200 and words in answer.content.decode()
    assert not (desk["site"] / "alerts.json").exists()


def test_an_editor_cannot_publish_or_end(desk, client, django_user_model):
    log_in(client, django_user_model, "erika", "editor")
    assert client.get(ADD).status_code == 403
    assert client.get(LIST).status_code == 200  # but sees what is on the screens
    assert client.post(f"{LIST}1/end/").status_code == 403


def test_without_a_usable_key_nothing_is_saved_and_the_form_says_why(desk, client, django_user_model, settings):
    from desk.alerts.models import EmergencyNotice

    Path(settings.DESK_SIGNING_KEY).chmod(0o644)
    log_in(client, django_user_model, "paul", "publisher")
    answer = client.post(ADD, form())
    assert "may be read by other users" in answer.content.decode()
    assert not EmergencyNotice.objects.exists()


def test_the_sequence_grows_even_when_the_clock_goes_back(desk, django_user_model):
    from desk.alerts import release

    paul = django_user_model.objects.create(username="paul")
    now = timezone.now()
    first = release.write(paul, now, "test")
    second = release.write(paul, now - timedelta(days=1), "test")
    assert second.sequence == first.sequence + 1
    assert parse_document(second.document.encode()).sequence == json.loads(
        (desk["site"] / "alerts.json").read_text())["sequence"]


def test_the_templates_exist_in_every_language_of_the_terminals():
    from desk.alerts.wording import TEMPLATES

    for _label, texts in TEMPLATES.values():
        assert sorted(texts) == sorted(["de", "en", "tr", "ar", "uk", "pl", "nl"])
