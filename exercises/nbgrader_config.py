"""nbgrader configuration of the course (run nbgrader from this folder, or load this file).

nbgrader's Python API does not read this file by itself: load it with
``PyFileConfigLoader("nbgrader_config.py", path=<this folder>).load_config()``.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "cnn-from-scratch"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students see in place of the solutions.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Solved notebooks run in well under a minute; a stuck one is cut off.
c.ExecutePreprocessor.timeout = 120

# Deleted or re-tagged test cells are put back and graded: without this, nbgrader 0.9.6
# leaves a test cell a student deleted or de-tagged ungraded (measured on this course).
c.OverwriteCells.add_missing_cells = True

# Feedback never shows the hidden tests.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
