"""Small helpers shared by the chapters (imported by their code cells)."""

from IPython.display import HTML

# matplotlib's animation player links Font Awesome from a CDN; the book serves its own copy
FONT_AWESOME_CDN = "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css"
FONT_AWESOME_LOCAL = "_static/font-awesome/css/font-awesome.min.css"


def animation_html(anim) -> HTML:
    """An animation as a self-contained player that needs nothing from the network."""
    return HTML(anim.to_jshtml().replace(FONT_AWESOME_CDN, FONT_AWESOME_LOCAL))
