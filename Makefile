# One virtual environment per checkout; every target creates it on first use.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
# pip arguments for torch: a CPU build on this project's machines; a GPU user
# passes a CUDA build, see README.md.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test lint docs clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet $(TORCH_SPEC)
	$(PYTHON) -m pip install --quiet -e ".[test,plot]"
	touch $@

demo: $(VENV)/.installed
	$(PYTHON) benchmarks/digits_demo.py --output-dir demo_output

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check skgan_sampler tests benchmarks examples docs

test: lint
	$(PYTHON) -m pytest

docs: $(VENV)/.installed
	$(PYTHON) -m pip install --quiet -e ".[docs]"
	$(PYTHON) -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) demo_output
