# The README's two commands: `make run` and `make test`. Everything else is for maintainers.
VENV := .venv
PY := $(VENV)/bin/python
SETUP := $(VENV)/.installed

.PHONY: run test bench locales screenshots demo clean

$(SETUP): pyproject.toml tools/setup.sh
	sh tools/setup.sh

run: $(SETUP)
	$(VENV)/bin/kiosk run

test: $(SETUP)
	$(PY) -m pytest -q

bench: $(SETUP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
