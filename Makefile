# legcheck: set-up and everyday commands for a fresh Debian machine (or a Raspberry Pi OS one).
#   make run    install what the product needs, then start it (typed chat for now)
#   make test   install everything the tests need, then lint and run the whole suite
#   make bench  install, then run the benchmarks and refresh bench/RESULTS.md
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

# System packages. Run: text-to-speech voice and the sound library. Test: the voices we synthesise test
# speech with, sox for audio checks. Bench: wrk for HTTP load.
RUN_DEBS := espeak-ng libespeak-ng1 libportaudio2 alsa-utils
TEST_DEBS := $(RUN_DEBS) flite festival festvox-us-slt-hts sox
BENCH_DEBS := $(TEST_DEBS) wrk

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench clean debs-run debs-test debs-bench

run: $(VENV)/.run-installed debs-run
	$(VENV)/bin/legcheck start

test: $(VENV)/.test-installed debs-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: $(VENV)/.test-installed debs-bench
	$(PY) bench/run_all.py

# Install only the Debian packages that are missing (apt-get needs root: sudo is used when we are not).
define install_debs
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
endef

debs-run:
	$(call install_debs,$(RUN_DEBS))
debs-test:
	$(call install_debs,$(TEST_DEBS))
debs-bench:
	$(call install_debs,$(BENCH_DEBS))

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Moonshine's tokenizer.json comes in useful-moonshine-onnx; its own dependencies are not needed (pyproject.toml)
MOONSHINE_TOKENIZER := useful-moonshine-onnx==20251121

$(VENV)/.run-installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install -e .
	$(PIP) install --no-deps '$(MOONSHINE_TOKENIZER)'
	$(VENV)/bin/python -m speech.moonshine_model   # converts the model once, now rather than at the first start
	touch $@

$(VENV)/.test-installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install -e '.[dev]'
	$(PIP) install --no-deps '$(MOONSHINE_TOKENIZER)'
	touch $@ $(VENV)/.run-installed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
