# CNN from Scratch: every target goes through the one virtual environment in .venv/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: help course exercises samples validate test lint bench train install clean

help:
	@echo "make course  - install, build the student notebooks and samples, report what is built"
	@echo "make exercises - generate the nine student notebooks (exercises/release/)"
	@echo "make samples - sample submissions per assignment: correct, partial, untouched (samples/)"
	@echo "make validate - nbgrader validate: sources pass, untouched student notebooks fail"
	@echo "make test    - lint (ruff) and the full test suite (PyTorch as oracle)"
	@echo "make bench   - speed of the kernels and of LeNet training against PyTorch CPU"
	@echo "make train   - train LeNet-5 on scikit-learn's digits, print the test accuracy"
	@echo "make clean   - remove the virtual environment and caches"

# Re-installs when pyproject.toml changes. pip's notes about this machine's local package
# folders are filtered out; its exit status still counts (pipefail).
$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	touch $@

install: $(INSTALLED)

course: install exercises samples
	$(PY) -m solutions
	@echo
	@echo "Student notebooks: exercises/release/<assignment>/<assignment>.ipynb (nine)"
	@echo "Sample submissions: samples/<assignment>/{correct,partial,untouched}/<assignment>.ipynb"
	@echo "Instructor notebooks (solutions and hidden tests): exercises/source/"

exercises: install
	$(PY) -m autograder.course release

samples: exercises
	$(PY) -m autograder.samples

validate: exercises
	$(PY) -m autograder.course validate

lint: install
	$(VENV)/bin/ruff check --output-format concise .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks
	$(PY) -m benchmarks.train

train: install
	$(PY) -m solutions.train

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
