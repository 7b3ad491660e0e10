# Two commands set everything up on a fresh machine with Python >= 3.11 and make:
#   make demo   venv + install + index the bundled samples + a sample search + a results page
#   make test   venv + install with test extras + the whole pytest suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
INDEX  ?= index
PAGE   ?= demo-page

.PHONY: demo test install browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/ttdn index ttdn_search/samples --index $(INDEX) --rebuild --quiet
	$(BIN)/ttdn search "hội nghị tổng kết thông tin đối ngoại" --index $(INDEX) -n 3
	@echo "Trang kết quả / results page:"
	@$(BIN)/ttdn html "thông tin đối ngoại" --index $(INDEX) -o $(PAGE)

# Headless Chromium for the browser tests (Debian's package; needs root, as in CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"; }

test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/relevance.py

clean:
	rm -rf $(VENV) $(PAGE) build *.egg-info
