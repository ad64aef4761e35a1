# mixedmig: `make reproduce` regenerates everything, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mixedmig-installed

.PHONY: install reproduce build test unit notebooks-test lab bench clean site

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench,docs]"
	touch $(STAMP)

install: $(STAMP)

## Rebuild data/processed, execute every notebook in place (headless), write figures/
reproduce: install
	MPLBACKEND=Agg $(BIN)/mixedmig reproduce

build: install
	$(BIN)/mixedmig build

## Unit, property and golden tests, the docstring examples (doctests), then every notebook re-executed and compared by nbval
test: install
	MPLBACKEND=Agg $(BIN)/python -m pytest tests src notebooks --doctest-modules --nbval --nbval-current-env --sanitize-with notebooks/sanitize.cfg

unit: install
	$(BIN)/python -m pytest tests src --doctest-modules

## The course site: build/site/html from the stored notebooks (not re-executed), the guides,
## the dataset catalogue and the API reference (tools/build_site.py; warnings fail the build)
site: install
	$(BIN)/python tools/build_site.py

lab: install
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: install
	$(BIN)/python benchmarks/bench_ipf_flows.py
	$(BIN)/python benchmarks/bench_pathways.py
	$(BIN)/python benchmarks/bench_gravity_pyfixest.py
	$(BIN)/python benchmarks/bench_validate.py
	$(BIN)/python benchmarks/bench_imports.py
	$(BIN)/python benchmarks/bench_flows_scale.py
	$(BIN)/python benchmarks/bench_gravity_scale.py
	$(BIN)/python benchmarks/bench_import_full.py
	$(BIN)/python benchmarks/bench_countries.py

clean:
	find data/processed -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache
