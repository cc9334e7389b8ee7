"""Small helpers shared by the chapters (imported by their code cells).

Importing this module sets the book's figure style: figures drawn for the text column (7
inches at 100 dpi, about the column's 690 px, so 10-point text renders at about 14 px) with
colour-blind-safe colour maps. Interactive figures compute nothing at reading time: they are
precomputed frames switched in the page (`animation_html`, `image_slider`), so they work in
the static book.
"""

import base64
import html
import io
import itertools

import matplotlib as mpl
from IPython.display import HTML

# matplotlib's animation player links Font Awesome from a CDN; the book serves its own copy
FONT_AWESOME_CDN = "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css"
FONT_AWESOME_LOCAL = "_static/font-awesome/css/font-awesome.min.css"

# The column is about 690 px wide on a desktop: a figure 7 in wide at 100 dpi is shown at
# (nearly) its own size, so a 10-point label stays about 14 px high.
COLUMN_INCHES = 7.0
STYLE = {
    "figure.figsize": (COLUMN_INCHES, 3.5),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(
        # Okabe and Ito's colour-blind-safe palette
        color=["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    ),
}
mpl.rcParams.update(STYLE)

_ids = itertools.count()


def animation_html(anim, alt: str, label: str = "Frame") -> HTML:
    """An animation as a self-contained player that needs nothing from the network.

    `alt` describes what the frames show (for screen readers); `label` names the frame slider.
    """
    page = anim.to_jshtml().replace(FONT_AWESOME_CDN, FONT_AWESOME_LOCAL)
    page = page.replace('<img id="_anim_img', f'<img alt="{html.escape(alt)}" id="_anim_img', 1)
    page = page.replace(
        'type="range" class="anim-slider"',
        f'type="range" class="anim-slider" aria-label="{html.escape(label)}"',
        1,
    )
    return HTML(page)


def figure_png(fig) -> str:
    """A matplotlib figure as a base64 PNG data URL (the figure is closed)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def image_slider(figures, values, label: str, alts, start: int = 0) -> HTML:
    """Precomputed figures switched by a slider in the static page.

    figures: matplotlib figures, one per slider position (closed here);
    values: what each position means, shown next to the slider (e.g. "stride 2");
    label: the slider's accessible name (e.g. "Stride");
    alts: the alt text of each figure (a string for all, or one per figure).
    """
    images = [figure_png(fig) for fig in figures]
    if isinstance(alts, str):
        alts = [alts] * len(images)
    if not (len(images) == len(values) == len(alts)) or not images:
        raise ValueError("image_slider needs as many values and alt texts as figures")
    uid = f"book-slider-{next(_ids)}"
    data = "".join(
        f'<img class="book-slider-frame" src="{src}" alt="{html.escape(alt)}" '
        f'data-value="{html.escape(str(value))}"{"" if i == start else " hidden"}>'
        for i, (src, alt, value) in enumerate(zip(images, alts, values, strict=True))
    )
    return HTML(
        f"""<div class="book-slider" id="{uid}">
<label>{html.escape(label)}:
<input type="range" min="0" max="{len(images) - 1}" step="1" value="{start}"
       aria-label="{html.escape(label)}" aria-valuetext="{html.escape(str(values[start]))}">
<output>{html.escape(str(values[start]))}</output></label>
<div class="book-slider-frames">{data}</div>
<script>
(function () {{
  const root = document.getElementById("{uid}");
  const input = root.querySelector("input"), shown = root.querySelector("output");
  const frames = root.querySelectorAll(".book-slider-frame");
  input.addEventListener("input", function () {{
    frames.forEach((img, i) => {{ img.hidden = i !== Number(input.value); }});
    shown.textContent = frames[Number(input.value)].dataset.value;
    input.setAttribute("aria-valuetext", shown.textContent);
  }});
}})();
</script>
</div>"""
    )
