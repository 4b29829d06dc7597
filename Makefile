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
# in de, en, ar; the screens issue 17 rebuilt (attract, home, today, shops, search, help, night, map) in all
# seven languages; samples in landscape, high contrast and larger text; Home with the demo's example warning
# (left out of the others, docs/live.md); and the "after" half of
# docs/screenshots/before-after/ (the "before" half was rendered from main before the change and is kept).
SCREENS := attract home today shops discover place event search help map route feedback
READABLE := attract home today shops search help map
ALL_LANGS := de en tr ar uk pl nl
SHOT = KIOSK_DATA_DIR=$$tmp $(VENV)/bin/kiosk screenshot
AT := --at 2026-11-26T17:30+01:00
NIGHT := --at 2026-11-26T23:30+01:00
OUT := docs/screenshots
screenshots: $(SETUP)
	mkdir -p $(OUT)/landscape $(OUT)/high-contrast $(OUT)/larger-text $(OUT)/before-after; \
	tmp=$$(mktemp -d); for l in de en ar; do for s in $(filter-out $(READABLE),$(SCREENS)); do \
	  $(SHOT) $(OUT)/$$s-$$l.png --screen $$s --lang $$l $(AT) --size 1080x1920 || exit 1; done; done; \
	for l in $(ALL_LANGS); do for s in $(READABLE); do \
	  $(SHOT) $(OUT)/$$s-$$l.png --screen $$s --lang $$l $(AT) --size 1080x1920 || exit 1; done; \
	  $(SHOT) $(OUT)/night-$$l.png --screen night --lang $$l $(NIGHT) --size 1080x1920 || exit 1; done; \
	for s in $(READABLE); do for l in de ar; do \
	  $(SHOT) $(OUT)/landscape/$$s-$$l.png --screen $$s --lang $$l $(AT) --size 1920x1080 || exit 1; done; done; \
	$(SHOT) $(OUT)/landscape/night-ar.png --screen night --lang ar $(NIGHT) --size 1920x1080 || exit 1; \
	$(SHOT) $(OUT)/landscape/place-ar.png --screen place --lang ar $(AT) --size 1920x1080 || exit 1; \
	$(SHOT) $(OUT)/map-de-toilets.png --screen map --item toilet --lang de $(AT) --size 1080x1920 || exit 1; \
	$(SHOT) $(OUT)/landscape/route-en.png --screen route --lang en $(AT) --size 1920x1080 || exit 1; \
	for s in $(READABLE); do \
	  $(SHOT) $(OUT)/high-contrast/$$s-de.png --screen $$s --lang de $(AT) --size 1080x1920 --high-contrast || exit 1; \
	  $(SHOT) $(OUT)/larger-text/$$s-uk.png --screen $$s --lang uk $(AT) --size 1080x1920 --large-text || exit 1; \
	  $(SHOT) $(OUT)/larger-text/$$s-ar.png --screen $$s --lang ar $(AT) --size 1080x1920 --large-text || exit 1; done; \
	$(SHOT) $(OUT)/larger-text/help-pl.png --screen help --lang pl $(AT) --size 1080x1920 --large-text || exit 1; \
	$(SHOT) $(OUT)/high-contrast/night-de.png --screen night --lang de $(NIGHT) --size 1080x1920 --high-contrast || exit 1; \
	$(SHOT) $(OUT)/larger-text/night-uk.png --screen night --lang uk $(NIGHT) --size 1080x1920 --large-text || exit 1; \
	for s in today search shops attract help; do \
	  $(SHOT) $(OUT)/before-after/$$s-after.png --screen $$s --lang de $(AT) --size 1080x1920 || exit 1; done; \
	$(SHOT) $(OUT)/before-after/attract-en-after.png --screen attract --lang en $(AT) --size 1080x1920 || exit 1; \
	$(SHOT) $(OUT)/before-after/help-en-after.png --screen help --lang en $(AT) --size 1080x1920 || exit 1; \
	$(SHOT) $(OUT)/before-after/search-ar-after.png --screen search --lang ar $(AT) --size 1080x1920 || exit 1; \
	$(SHOT) $(OUT)/before-after/night-after.png --screen night --lang en $(NIGHT) --size 1080x1920 || exit 1; \
	for l in de en ar; do $(SHOT) $(OUT)/home-example-warning-$$l.png \
	  --screen home --lang $$l $(AT) --size 1080x1920 --example-warning || exit 1; done; \
	for l in de en; do $(SHOT) $(OUT)/admin-$$l.png \
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
