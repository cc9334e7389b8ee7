"""A self-contained HTML report of one graded submission, for the student.

Per component: score, status, diagnosis, every case with its message, and, where an array
was wrong, a small heatmap (matplotlib, embedded as PNG) of where it differs from the
expected one. It holds no reference code, no hidden-test source and no seed: only what the
grader observed about the student's own outputs.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.passed { color: #1a7f37; } .partial { color: #9a6700; } .failed, .error, .timeout { color: #cf222e; }
.diagnosis { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .5rem 1rem; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
code { font-size: .9em; } .note { color: #555; }
"""


def heatmap_png(values: list[list[float]], label: str) -> str:
    """A base64 PNG of an error grid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3.2, 2.6))
    image = ax.imshow(values, cmap="magma", interpolation="nearest")
    ax.set_title(f"|yours - expected|: {label}", fontsize=8)
    ax.tick_params(labelsize=7)
    fig.colorbar(image, ax=ax, shrink=0.8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def render(result: dict) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(result['assignment'])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Assignment <code>{e(result['assignment'])}</code>: {result['score']:g} / {result['max_score']:g}</h1>",
    ]
    if result["status"] == "invalid":
        parts.append("<p class='failed'>This file could not be graded.</p>")
    for message in result.get("messages", []):
        parts.append(f"<p class='note'>{e(message)}</p>")
    for component in result["components"]:
        status = component["status"]
        parts.append(
            f"<h2>{e(component['name'])} — <span class='{e(status)}'>{e(status)}</span>: "
            f"{component['score']:g} / {component['max_score']:g}</h2>"
        )
        if component.get("diagnosis"):
            parts.append(
                f"<p class='diagnosis'><strong>Likely mistake:</strong> {e(component['diagnosis'])}</p>"
            )
        if component.get("message"):
            parts.append(f"<p class='note'>{e(component['message'])}</p>")
        for error in component.get("cell_errors", []):
            parts.append(
                f"<p class='note'>Error while running your notebook: <code>{e(error)}</code></p>"
            )
        if component["cases"]:
            parts.append("<table><tr><th>category</th><th>function</th><th>result</th></tr>")
            for case in component["cases"]:
                verdict = "passed" if case["passed"] else e(case["message"])
                css = "passed" if case["passed"] else "failed"
                parts.append(
                    f"<tr><td>{e(case['category'])}</td><td><code>{e(case.get('function', ''))}</code></td>"
                    f"<td class='{css}'>{verdict}</td></tr>"
                )
            parts.append("</table>")
        if component.get("heatmap"):
            png = heatmap_png(component["heatmap"]["values"], component["heatmap"]["label"])
            parts.append(
                f"<p><img alt='where your output differs' src='data:image/png;base64,{png}'></p>"
            )
        if component.get("stdout"):
            parts.append(
                f"<details><summary>what your code printed</summary><pre>{e(component['stdout'])}</pre></details>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(result: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render(result), encoding="utf-8")
    return path
