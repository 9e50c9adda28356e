# The two set-up commands of the README are `make site` and `make test`.
# Each creates .venv and installs the pinned dependencies when they are missing or stale.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
PORT   ?= 8000

.PHONY: site serve preview test test-fast validate schema lock clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

## Validate the data, write the pages into content/ and build the site into site/ (mkdocs --strict).
## Invalid data stops it with the validator's report, before content/ or site/ is touched.
site: $(STAMP)
	$(BIN)/briefing build --data $(DATA)

## Serve the site on http://127.0.0.1:$(PORT)/, rebuilt and reloaded whenever a data file changes.
serve: $(STAMP)
	$(BIN)/briefing serve --data $(DATA) --port $(PORT)

## As `serve`, with draft and review records included, each under a banner.
preview: $(STAMP)
	$(BIN)/briefing serve --data $(DATA) --port $(PORT) --preview

## Run the whole test suite, slow tests included. First the Debian packages the suite needs
## (chromium, fonts-noto-core, poppler-utils): installed when run as root, else the command to run.
## Then the linters (ruff, and mypy --strict; both configured in pyproject.toml): a finding fails the run.
test: $(STAMP)
	$(PYTHON) tools/system_packages.py
	$(BIN)/ruff check
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

## The suite without the tests marked slow.
test-fast: $(STAMP)
	$(PYTHON) tools/system_packages.py
	$(BIN)/ruff check
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -m "not slow"

## The linters alone.
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/python -m mypy

validate: $(STAMP)
	$(BIN)/briefing validate $(DATA)

## Regenerate the committed JSON Schemas and the field reference from the models.
schema: $(STAMP)
	$(BIN)/briefing schema

## Regenerate docs/errors.md from the table of problem codes (generator/codes.py).
.PHONY: errors-guide
errors-guide: $(STAMP)
	$(BIN)/python tools/errors_guide.py

## Re-pin every dependency (run after changing pyproject.toml's dependencies).
lock:
	rm -rf /tmp/briefing-lock && $(PYTHON) -m venv /tmp/briefing-lock
	/tmp/briefing-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	/tmp/briefing-lock/bin/python -m pip freeze --exclude briefing > requirements.lock

clean:
	rm -rf $(VENV) site build *.egg-info .cache

## Build the example site and save docs/screenshot-overview.png (the README's picture) with chromium.
.PHONY: screenshot
screenshot: $(STAMP)
	$(BIN)/python tools/screenshot.py

## Render the example data's April 2020 PDF briefing and save one page as docs/briefing-page.png
## (the README's picture of a briefing) with poppler's pdftoppm.
.PHONY: briefing-sample
briefing-sample: $(STAMP)
	$(BIN)/python tools/briefing_sample.py
