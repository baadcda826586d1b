# Two commands do everything: `make extract` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
IN     ?= samples
OUT    ?= dataset

.PHONY: extract test samples corpus bench compare docs clean

$(BIN)/budgetpdf: pyproject.toml setup.py $(wildcard extract/*.c)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

extract: $(BIN)/budgetpdf  ## read every PDF under IN into the dataset OUT
	$(BIN)/budgetpdf extract $(IN) --out $(OUT)

test: $(BIN)/budgetpdf  ## the whole suite
	$(BIN)/pytest -q

docs: $(BIN)/budgetpdf  ## rewrite the README's column-key table from the registry
	$(BIN)/python -m budgetpdf.schemas.docs README.md

samples: $(BIN)/budgetpdf  ## re-render samples/*.pdf and their goldens from the ground-truth data
	$(BIN)/python -m samples.generate

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

CORPUS ?= ../shared/corpus
corpus: $(BIN)/budgetpdf  ## read the published PDFs in CORPUS into build/corpus-dataset and summarise
	@if [ -d "$(CORPUS)" ]; then $(BIN)/python -m budgetpdf.corpus $(CORPUS) --out build/corpus-dataset; \
	else echo "corpus: $(CORPUS) is absent; nothing to do"; fi

bench: $(BIN)/budgetpdf  ## pages/s and peak RSS against pdfplumber extract_tables, over CORPUS (else samples/)
	$(BIN)/python -m budgetpdf.bench --corpus $(CORPUS)

compare: $(BIN)/budgetpdf  ## tables without rules: budgetpdf beside camelot stream and network, cell F1 against the ruled drawing
	$(BIN)/python -m budgetpdf.compare_camelot
