"""Each chapter's source meets the book's standard (the style guide, read from the MyST file).

About 3,000 words of prose (code, outputs, math and directive options not counted), at least
four self-check questions with answers in dropdowns, citations from the one bibliography and a
list of them, captioned figures with alt texts, and the link to the chapter's exercise.
The built page is checked in a browser by test_book.py.
"""

import re
from pathlib import Path

import pytest

from autograder.course import SLUGS

BOOK = Path(__file__).resolve().parents[1] / "book"
# every chapter (one per assignment, same slug) is written to the full-lecture standard
LECTURES = list(SLUGS)
MIN_PROSE_WORDS = 2800
KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (BOOK / "references.bib").read_text(), re.M))


def prose(source: str) -> str:
    """The text a reader reads as prose: no front matter, code, outputs, math or options."""
    text = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    text = re.sub(r"^(`{3,}|~{3,})\{code-cell\}.*?^\1\s*$", " ", text, flags=re.S | re.M)
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", " ", text, flags=re.S | re.M)  # other code
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " x ", text)  # inline math reads as one word
    text = re.sub(r"^:[\w-]+:.*$", " ", text, flags=re.M)  # directive options
    text = re.sub(r"^[:`]{3,}.*$", " ", text, flags=re.M)  # directive fences
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " x ", text)  # roles: {cite}`...`, {glue:text}`...`
    text = re.sub(r"`[^`]*`", " x ", text)  # inline code
    return text


def prose_words(source: str) -> int:
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", prose(source)))


def test_the_book_has_one_bibliography():
    assert "{bibliography}" in (BOOK / "references.md").read_text()
    assert "references" in (BOOK / "_toc.yml").read_text()


def test_prose_counter_ignores_code_math_and_options():
    source = "---\nkernel: x\n---\n# Title here\n\nTwo words.\n\n```{code-cell} ipython3\nprint('many words in code')\n```\n\n$$a + b = c$$\n\n:::{dropdown} Answer\n:open:\nThree more words.\n:::\n"
    assert prose_words(source) == 2 + 2 + 3  # title, sentence, answer (not the fence line)


@pytest.mark.parametrize("name", LECTURES)
def test_chapter_is_a_full_lecture(name):
    source = (BOOK / f"{name}.md").read_text()
    words = prose_words(source)
    assert words >= MIN_PROSE_WORDS, f"{name}: {words} words of prose (about 3,000 expected)"
    dropdowns = len(re.findall(r"^:{3,}\{dropdown\}", source, re.M))
    assert dropdowns >= 4, f"{name}: {dropdowns} self-check answers in dropdowns (4 or more)"
    cited = set(re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source))
    cited = {key.strip() for group in cited for key in group.split(",")}
    assert cited, f"{name} cites nothing"
    assert not cited - KEYS, f"{name} cites keys missing from references.bib: {cited - KEYS}"
    # one bibliography for the book (references.md): a key listed on two pages is a
    # duplicate citation for sphinxcontrib-bibtex, so chapters cite and do not list
    assert "{bibliography}" not in source, f"{name}: the bibliography is references.md"
    for heading in [
        "Common mistakes",
        "Check your understanding",
        "Summary",
        "Exercise",
        "Further reading",
    ]:
        assert re.search(rf"^#+ .*{heading}", source, re.M | re.I), (
            f"{name}: no '{heading}' section"
        )
    assert f"../exercises/release/{name}/{name}.ipynb" in source, f"{name}: no exercise link"


@pytest.mark.parametrize("name", LECTURES)
def test_chapter_figures_have_captions_and_alt_texts(name):
    source = (BOOK / f"{name}.md").read_text()
    captioned = len(
        re.findall(r"^\s*caption:|^:{3,}\{figure\}|^`{3,}\{figure\}|\{glue:figure\}", source, re.M)
    )
    assert captioned >= 3, f"{name}: {captioned} captioned figures (3 or more)"
    assert "animation_html(" not in source or re.search(
        r"animation_html\([^)]*alt=", source, re.S
    ), f"{name}: an animation without alt text"


def test_a_wrong_number_in_a_chapter_fails_its_execution(tmp_path):
    """The book states no number it does not check: change one checked number and the
    chapter's execution (what `make book` does, with -W) stops at its assertion."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = read_myst_markdown_notebook((BOOK / "channels.md").read_text())
    target = next(
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and re.search(r"^assert .*== 6\.0", cell.source, re.M)
    )
    nb.cells[target].source = re.sub(r"== 6\.0", "== 7.0", nb.cells[target].source, count=1)
    nb.cells = nb.cells[: target + 1]  # the cells up to the checked number
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}}
    )
    with pytest.raises(CellExecutionError, match="AssertionError"):
        client.execute()
