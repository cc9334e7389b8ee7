"""Copy the pinned browser assets from node_modules/ into _offline/ (served as _static/).

Run by `make book` after `npm ci`. Nothing is fetched at build time or read time.
"""

import shutil
from pathlib import Path

BOOK = Path(__file__).parent
NODE = BOOK / "node_modules"
OUT = BOOK / "_offline"

COPIES = {
    NODE / "mathjax/es5/tex-mml-chtml.js": OUT / "mathjax/tex-mml-chtml.js",
    NODE / "mathjax/es5/output/chtml/fonts/woff-v2": OUT / "mathjax/output/chtml/fonts/woff-v2",
    NODE / "requirejs/require.js": OUT / "require.js",
    NODE / "@jupyter-widgets/html-manager/dist/embed-amd.js": OUT / "embed-amd.js",
    BOOK / "mathjax-hub-shim.js": OUT / "mathjax-hub-shim.js",
    BOOK / "a11y-fixes.js": OUT / "a11y-fixes.js",
    NODE / "font-awesome/css": OUT / "font-awesome/css",
    NODE / "font-awesome/fonts": OUT / "font-awesome/fonts",
}
# the widgets manager asks for its fonts at /@jupyter-widgets/html-manager/dist/ (site root)
ROOT_OUT = BOOK / "_offline_root"
WIDGET_FONTS = (".woff", ".woff2", ".ttf", ".eot", ".svg")

if __name__ == "__main__":
    for folder in (OUT, ROOT_OUT):
        if folder.exists():
            shutil.rmtree(folder)
    fonts = ROOT_OUT / "@jupyter-widgets/html-manager/dist"
    fonts.mkdir(parents=True)
    for font in (NODE / "@jupyter-widgets/html-manager/dist").iterdir():
        if font.suffix in WIDGET_FONTS:
            shutil.copy(font, fonts / font.name)
    for source, target in COPIES.items():
        if not source.exists():
            raise SystemExit(f"{source} is missing: run `npm ci` in book/ first")
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    print(f"offline assets in {OUT.relative_to(BOOK.parent)}")
