# The README's two commands: `make run` and `make test`. Everything else is for maintainers.
VENV := .venv
PY := $(VENV)/bin/python
SETUP := $(VENV)/.installed

.PHONY: run test test-future fuzz bench locales screenshots demo desk clean

$(SETUP): pyproject.toml tools/setup.sh
	sh tools/setup.sh

run: $(SETUP)
	$(VENV)/bin/kiosk run

# The catalogs are compiled on every run: after a pull the .po files may be newer than the .mo files.
CATALOGS := $(PY) -m babel.messages.frontend compile --domain kiosk --directory locales --use-fuzzy >/dev/null 2>&1; \
	$(PY) -m babel.messages.frontend compile --domain django --directory desk/locale >/dev/null 2>&1

test: $(SETUP)
	$(CATALOGS)
	$(PY) -m pytest -q

# The whole suite with the clock moved: +1 and +3 years, both DST nights, 29 February 2028 (docs/testing.md).
test-future: $(SETUP)
	$(CATALOGS)
	sh tools/test_future.sh

# Thousands of mutated feeds through validate, apply, events, places, search and route (docs/robustness.md).
FUZZ_EXAMPLES := 5000
fuzz: $(SETUP)
	ulimit -v 1572864; $(PY) tests/fuzz_apply.py --examples $(FUZZ_EXAMPLES) --seed 19

bench: $(SETUP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	@# nginx serves alerts.json to 500 simulated terminals in bench/alert_fleet.py; only the bench needs it.
	@if [ "$$(id -u)" = 0 ] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; fi
	$(PY) bench/run.py

# Translations: extract the UI's words, merge them into every catalog, compile (docs/ui.md).
locales: $(SETUP)
	$(VENV)/bin/pybabel extract -F babel.cfg -o locales/kiosk.pot --no-location --sort-output --project dortmund-kiosk --copyright-holder "Dortmund kiosk contributors" .
	$(VENV)/bin/pybabel update -i locales/kiosk.pot -d locales -D kiosk -N
	$(PY) -m babel.messages.frontend compile --domain kiosk --directory locales

# The README's screenshots, rendered offscreen at a fixed moment during the Christmas market: every screen
# in de, en, ar; the screens issue 17 rebuilt (home, help, shops, map) in all seven languages; and samples in
# landscape, high contrast and larger text.
SCREENS := attract home today shops discover place event search help map route feedback
ALL_LANGS := de en tr ar uk pl nl
SHOT = KIOSK_DATA_DIR=$$tmp $(VENV)/bin/kiosk screenshot
AT := --at 2026-11-26T17:30+01:00
screenshots: $(SETUP)
	tmp=$$(mktemp -d); for l in de en ar; do for s in $(SCREENS); do \
	  $(SHOT) docs/screenshots/$$s-$$l.png --screen $$s --lang $$l $(AT) --size 1080x1920 || exit 1; done; \
	  $(SHOT) docs/screenshots/night-$$l.png --screen night --lang $$l \
	  --at 2026-11-26T23:30+01:00 --size 1080x1920 || exit 1; done; \
	for l in tr uk pl nl; do for s in home help shops map; do \
	  $(SHOT) docs/screenshots/$$s-$$l.png --screen $$s --lang $$l $(AT) --size 1080x1920 || exit 1; done; done; \
	$(SHOT) docs/screenshots/landscape/help-ar.png --screen help --lang ar $(AT) --size 1920x1080 || exit 1; \
	$(SHOT) docs/screenshots/landscape/home-de.png --screen home --lang de $(AT) --size 1920x1080 || exit 1; \
	for l in de ar; do $(SHOT) docs/screenshots/landscape/map-$$l.png --screen map --lang $$l $(AT) --size 1920x1080 || exit 1; done; \
	$(SHOT) docs/screenshots/map-de-toilets.png --screen map --item toilet --lang de $(AT) --size 1080x1920 || exit 1; \
	$(SHOT) docs/screenshots/map-de-high-contrast.png --screen map --lang de $(AT) --size 1080x1920 --high-contrast || exit 1; \
	$(SHOT) docs/screenshots/map-uk-larger-text.png --screen map --lang uk $(AT) --size 1080x1920 --large-text || exit 1; \
	$(SHOT) docs/screenshots/help-de-high-contrast.png --screen help --lang de $(AT) --size 1080x1920 --high-contrast || exit 1; \
	$(SHOT) docs/screenshots/shops-en-high-contrast.png --screen shops --lang en $(AT) --size 1080x1920 --high-contrast || exit 1; \
	$(SHOT) docs/screenshots/home-uk-larger-text.png --screen home --lang uk $(AT) --size 1080x1920 --large-text || exit 1; \
	$(SHOT) docs/screenshots/help-pl-larger-text.png --screen help --lang pl $(AT) --size 1080x1920 --large-text || exit 1; \
	for l in de en; do $(SHOT) docs/screenshots/admin-$$l.png \
	  --screen admin --lang $$l $(AT) --size 1080x1920 || exit 1; done; rm -rf $$tmp

# Rebuild the demo feed from assets/demo/source and sign it with the demo key.
demo: $(SETUP)
	$(PY) tools/build_demo.py --check

# The content desk on 127.0.0.1:8000 with the demo content; prints a one-time admin password (docs/desk.md).
desk: $(SETUP)
	$(CATALOGS)
	DESK_DATA_DIR=$${DESK_DATA_DIR:-desk-data} $(VENV)/bin/kiosk-desk desk_demo --port $${DESK_PORT:-8000}

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
