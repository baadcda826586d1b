# Two commands do everything: `make extract` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
IN     ?= samples
OUT    ?= dataset

.PHONY: extract test samples clean

$(BIN)/budgetpdf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

extract: $(BIN)/budgetpdf  ## read every PDF under IN into the dataset OUT
	$(BIN)/budgetpdf extract $(IN) --out $(OUT)

test: $(BIN)/budgetpdf  ## the whole suite
	$(BIN)/pytest -q

samples: $(BIN)/budgetpdf  ## re-render samples/*.pdf and their goldens from the ground-truth data
	$(BIN)/python -m samples.generate

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
