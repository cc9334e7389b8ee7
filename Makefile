# CNN from Scratch: every target goes through the one virtual environment in .venv/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: help book chapter serve portal course exercises samples grade-samples validate test lint bench train install clean lab

help:
	@echo "make course  - install, build the book and the student notebooks, grade the samples, report"
	@echo "make book    - build the book (book/_build/html); make serve - read it on localhost:8000"
	@echo "make exercises - generate the ten student notebooks (exercises/release/)"
	@echo "make lab     - JupyterLab on the student notebooks, as a student works (Validate button)"
	@echo "make samples - sample submissions per assignment: correct, partial, untouched (samples/)"
	@echo "make validate - nbgrader validate: sources pass, untouched student notebooks fail"
	@echo "make portal  - the submission portal on 127.0.0.1:8000 with the sample roster (sign-in links printed)"
	@echo "make test    - lint (ruff) and the full test suite (PyTorch as oracle)"
	@echo "make bench   - speed of the kernels and of LeNet training against PyTorch CPU"
	@echo "make train   - train LeNet-5 on scikit-learn's digits, print the test accuracy"
	@echo "make mutation [SLUG=...] - mutants of the reference solutions graded: autograder/MUTATION.md"
	@echo "make clean   - remove the virtual environment and caches"

# Re-installs when pyproject.toml changes. pip's notes about this machine's local package
# folders are filtered out; its exit status still counts (pipefail).
$(INSTALLED): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,portal]' 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }
	touch $@

install: $(INSTALLED)

ASSIGNMENTS := convolution channels dilation separable activations pooling fully-connected backprop architectures training

course: install exercises samples grade-samples book
	$(PY) -m solutions
	@echo
	@echo "The book: book/_build/html/index.html (read it on localhost with: make serve)"
	@echo "Student notebooks: exercises/release/<assignment>/<assignment>.ipynb (ten)"
	@echo "Sample submissions: samples/<assignment>/{correct,partial,untouched}/<assignment>.ipynb"
	@echo "Their grades: samples/results/<assignment>.jsonl; feedback: samples/feedback/<assignment>/"
	@echo "Instructor notebooks (solutions and hidden tests): exercises/source/"

# Grades the sample submissions of every assignment with the sandboxed autograder.
grade-samples: samples
	@for slug in $(ASSIGNMENTS); do \
		echo "== $$slug"; \
		$(VENV)/bin/autograder grade-all samples/$$slug --assignment $$slug --force --no-progress \
			--out samples/results/$$slug.jsonl --feedback samples/feedback/$$slug; \
	done

exercises: install
	$(PY) -m autograder.course release

# JupyterLab on the student notebooks, as a student works: every kernel starts in its
# notebook's folder, so PYTHONPATH=.. is the course folder, where the student library cnnlib/
# sits beside the assignment folders; nbgrader's extension puts Validate in the toolbar.
lab: exercises
	@$(VENV)/bin/jupyter labextension list 2>&1 | grep "@jupyter/nbgrader.*enabled" >/dev/null \
		|| { echo "nbgrader's JupyterLab extension is not enabled (make install)"; exit 1; }
	cd exercises/release && PYTHONPATH=.. $(CURDIR)/$(VENV)/bin/jupyter lab --ip=127.0.0.1 \
		$$(test "$$(id -u)" != 0 || echo --allow-root) $(LAB_FLAGS)

samples: exercises
	$(PY) -m autograder.samples

validate: exercises
	$(PY) -m autograder.course validate

lint: install
	$(VENV)/bin/ruff check --output-format concise .
	$(VENV)/bin/ruff format --check .

test: lint book
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks
	$(PY) -m benchmarks.train
	$(PY) -m benchmarks.grading
	$(PY) -m benchmarks.portal

train: install
	$(PY) -m solutions.train

# How often a known wrong formula passes a category by the luck of the draw (issue 18).
.PHONY: luck
luck: install
	$(PY) -m tests.corpus.luck 300
# Mutation testing of the grader (not part of make test): every mutant of the reference
# solutions, graded in the sandbox, must lose points; writes autograder/MUTATION.md.
.PHONY: mutation
mutation: exercises
	nice $(PY) -m autograder.mutation $(SLUG) --workers $(or $(WORKERS),2)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The book: pinned browser assets from npm, then Jupyter Book 1 with notebook execution.
# Warnings are errors (-W), reported all at once (--keep-going).
book: install exercises
	cd book && npm ci --no-audit --no-fund --loglevel=error
	$(PY) book/copy_assets.py
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sphinx-build -b html book book/_build/html -W --keep-going -n -q
	@echo "The book: book/_build/html/index.html (make serve to read it on localhost)"

# A quick preview while writing one chapter: every page is built, only SLUG's is executed,
# into book/_build/chapter-SLUG/ (warnings are shown, not errors).
chapter: install
	@test -n "$(SLUG)" || { echo "usage: make chapter SLUG=convolution"; exit 2; }
	test -f book/_offline/require.js || { cd book && npm ci --no-audit --no-fund --loglevel=error; }
	test -f book/_offline/require.js || $(PY) book/copy_assets.py
	BOOK_ONLY=$(SLUG) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sphinx-build -b html book \
		book/_build/chapter-$(SLUG)/html -d book/_build/chapter-$(SLUG)/doctrees -q -n --keep-going 2>&1 \
		| { grep -E "$(SLUG)|references|ERROR|Exception" || true; }
	@echo "Preview: book/_build/chapter-$(SLUG)/html/$(SLUG).html"

serve:
	@echo "Serving the book on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) -m http.server 8000 --bind 127.0.0.1 --directory book/_build/html

# The submission portal with the sample roster: prints one-time sign-in links for the three
# sample students and the instructor, then serves (data in exercises/portal/; Ctrl-C stops).
PORTAL_PORT ?= 8000
portal: install
	$(VENV)/bin/autograder roster exercises/roster-sample.csv --course exercises \
		--base-url http://127.0.0.1:$(PORTAL_PORT)
	@echo "The instructor's one-time sign-in link:"
	@$(VENV)/bin/autograder invite instructor --instructor --course exercises \
		--base-url http://127.0.0.1:$(PORTAL_PORT)
	$(VENV)/bin/autograder serve --course exercises --port $(PORTAL_PORT)
