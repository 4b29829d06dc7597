"""Terminal settings: file, environment, defaults; mistakes named by key."""
from __future__ import annotations

import pytest

from kiosk.config import Config, ConfigError, load_config, resolve_data_dir


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_demo_settings(monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setattr("kiosk.config.SYSTEM_CONFIG", __import__("pathlib").Path("/nonexistent/kiosk.toml"))
    config = load_config()
    assert config == Config() and config.demo_mode


def test_a_file_sets_the_terminal(tmp_path):
    config = load_config(write(tmp_path, 'kiosk_id = "alter-markt"\nfeed_url = "https://cms.example.org/feed.json"\n'
                                         'public_keys = ["k1", "k2"]\nidle_timeout_s = 45\n'))
    assert config.kiosk_id == "alter-markt" and config.public_keys == ["k1", "k2"] and config.idle_timeout_s == 45
    assert not config.demo_mode


def test_the_environment_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_CONFIG", str(write(tmp_path, 'kiosk_id = "from-env"\n')))
    assert load_config().kiosk_id == "from-env"


def test_unknown_keys_and_wrong_types_are_named(tmp_path):
    path = write(tmp_path, 'kiosk_ident = "x"\nidle_timeout_s = "sixty"\nfullscreen = 1\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert "unknown key 'kiosk_ident'" in message
    assert "'idle_timeout_s' must be a int" in message
    assert "'fullscreen' must be a bool" in message


def test_plain_http_needs_an_explicit_opt_in(tmp_path):
    with pytest.raises(ConfigError, match="allow_insecure_http"):
        load_config(write(tmp_path, 'feed_url = "http://cms.local/feed.json"\npublic_keys = ["k"]\n'))
    ok = load_config(write(tmp_path, 'feed_url = "http://cms.local/feed.json"\npublic_keys = ["k"]\n'
                                     'allow_insecure_http = true\n'))
    assert ok.allow_insecure_http


def test_a_lan_take_along_page_may_be_plain_http_but_not_another_scheme(tmp_path):
    ok = load_config(write(tmp_path, 'share_page_url = "http://192.168.1.20:8080/go/"\n'))
    assert ok.share_page_url == "http://192.168.1.20:8080/go/" and ok.demo_mode
    with pytest.raises(ConfigError, match="share_page_url"):
        load_config(write(tmp_path, 'share_page_url = "file:///srv/go/"\n'))


def test_a_feed_without_keys_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="public_keys"):
        load_config(write(tmp_path, 'feed_url = "https://cms.example.org/feed.json"\n'))


def test_broken_toml_says_where(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, 'kiosk_id = \n'))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_data_dir_comes_from_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "arg")) == tmp_path / "arg"
    assert resolve_data_dir(None) == tmp_path / "env"
