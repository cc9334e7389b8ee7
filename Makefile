# CNN from Scratch: every target goes through the one virtual environment in .venv/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: help book chapter serve portal course exercises samples grade-samples validate test lint bench train install clean lab sysdeps browser course-stages kernels

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

# Re-installs when pyproject.toml changes: tools/install.py (uv, from pip's package sources;
# pip when uv cannot be had).
$(INSTALLED): pyproject.toml tools/install.py
	@echo "python packages: installing into $(VENV)/"
	@python3 tools/install.py
	@touch $@

install: $(INSTALLED)

# What the course needs outside Python (tools/sysdeps.py: bubblewrap, Chromium, Node.js, npm),
# installed with apt-get when root or password-less sudo may, before any long work; then,
# once .venv has Playwright, its own Chromium if there is still none. TARGET names what
# follows: `make course` needs Node.js and npm, `make test` everything.
SYSDEPS_TARGET := $(if $(filter test,$(MAKECMDGOALS)),test,course)
sysdeps:
	@python3 tools/sysdeps.py --target $(SYSDEPS_TARGET)

browser: sysdeps install
	@$(PY) tools/sysdeps.py --browser --target $(SYSDEPS_TARGET)

ASSIGNMENTS := convolution channels dilation separable activations pooling fully-connected backprop architectures training

# Its output is kept in build/course.log too (tests/test_course_output.py reads it). The
# system check and the install come first; then two stages run at a time (-j 2): the kernels
# compile while the student notebooks and the samples are built, the book's assets are
# installed and copied, and the samples are graded while the book executes.
course:
	@mkdir -p build
	@{ $(MAKE) --no-print-directory sysdeps install browser && \
		$(MAKE) --no-print-directory -j 2 --output-sync=line course-stages; } 2>&1 | tee build/course.log

course-stages: kernels exercises samples grade-samples book
	@$(PY) -m solutions
	@echo
	@echo "The book: book/_build/html/index.html (read it on localhost with: make serve)"
	@echo "Student notebooks: exercises/release/<assignment>/<assignment>.ipynb (ten)"
	@echo "Sample submissions: samples/<assignment>/{correct,partial,untouched}/<assignment>.ipynb"
	@echo "Their grades: samples/results/<assignment>.jsonl; feedback: samples/feedback/<assignment>/"
	@echo "Instructor notebooks (solutions and hidden tests): exercises/source/"

# Grades the sample submissions of every assignment with the sandboxed autograder: one line
# per assignment (results in samples/results/, feedback in samples/feedback/).
grade-samples: samples kernels
	@$(PY) -m autograder.samples --grade

# Numba compiles every kernel once, into its cache, before anything else calls them.
kernels: install
	@$(PY) -m solutions --compile

exercises: install
	@$(PY) -m autograder.course release

# JupyterLab on the student notebooks, as a student works: every kernel starts in its
# notebook's folder, so PYTHONPATH=.. is the course folder, where the student library cnnlib/
# sits beside the assignment folders; nbgrader's extension puts Validate in the toolbar.
lab: exercises
	@$(VENV)/bin/jupyter labextension list 2>&1 | grep "@jupyter/nbgrader.*enabled" >/dev/null \
		|| { echo "nbgrader's JupyterLab extension is not enabled (make install)"; exit 1; }
	cd exercises/release && PYTHONPATH=.. $(CURDIR)/$(VENV)/bin/jupyter lab --ip=127.0.0.1 \
		$$(test "$$(id -u)" != 0 || echo --allow-root) $(LAB_FLAGS)

samples: exercises
	@$(PY) -m autograder.samples

validate: exercises
	$(PY) -m autograder.course validate $(WITHOUT_KERNEL_NOTICE)

lint: install
	$(VENV)/bin/ruff check --output-format concise .
	$(VENV)/bin/ruff format --check .

test: sysdeps install browser lint book
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks
	$(PY) -m benchmarks.train
	$(PY) -m benchmarks.grading $(WITHOUT_KERNEL_NOTICE)
	$(PY) -m benchmarks.portal
	$(PY) -m benchmarks.startup

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

# ipykernel 7 warns, once per notebook it runs, that its TCP connection (on localhost, every
# message signed) is not encrypted: nothing a user can act on. Its cure, the ipc transport,
# puts the sockets at a path relative to the working folder, which differs between the
# kernel and its client here (myst-nb, nbgrader's autograde): a kernel never answers. So
# that one line is filtered out of what runs notebooks; the exit status still counts.
WITHOUT_KERNEL_NOTICE := 2>&1 | { grep --line-buffered -v "Kernel is running over TCP without encryption" || true; }

# The book: pinned browser assets from npm, then Jupyter Book 1 with notebook execution.
# Warnings are errors (-W), reported all at once (--keep-going). Pages are executed in four
# processes (-j 4): Sphinx hands each a run of consecutive pages, and the long chapters sit
# together, so two processes left one core idle half the time (on 2 cores: one 146 s, two
# 121 s, four 98 s). Built again only when what it is made from changed: its sources, the
# library its pages run, the exercises it links.
BOOK_STAMP := book/_build/.html-built
BOOK_INPUTS := $(wildcard book/*.md book/*.py book/*.yml book/*.js book/*.bib book/*.json \
	book/*.png solutions/*.py autograder/*.py autograder/checks/*.py exercises/source/*/*.ipynb \
	exercises/nbgrader_config.py)

book: install exercises $(BOOK_STAMP)
	@echo "The book: book/_build/html/index.html (make serve to read it on localhost)"

# The pinned browser assets (npm) and the book's own scripts, copied into book/_offline:
# again only when the pins or the scripts change.
BOOK_ASSETS := book/node_modules/.course-assets-copied
$(BOOK_ASSETS): book/package.json book/package-lock.json book/copy_assets.py \
		book/mathjax-hub-shim.js book/a11y-fixes.js
	@cd book && npm ci --no-audit --no-fund --loglevel=error --silent
	@$(PY) book/copy_assets.py
	@touch $@

# The pages call the kernels: they are compiled first (order only: their cache, once
# written, does not make the book out of date).
$(BOOK_STAMP): $(BOOK_INPUTS) $(INSTALLED) $(BOOK_ASSETS) | kernels
	@echo "book: executing and building every page (sphinx-build -W)"
	@rm -f $@
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/sphinx-build -b html book book/_build/html \
		-W --keep-going -n -q -j 4 $(WITHOUT_KERNEL_NOTICE)
	@touch $@

# A quick preview while writing one chapter: every page is built, only SLUG's is executed,
# into book/_build/chapter-SLUG/ (warnings are shown, not errors).
chapter: install $(BOOK_ASSETS)
	@test -n "$(SLUG)" || { echo "usage: make chapter SLUG=convolution"; exit 2; }
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
