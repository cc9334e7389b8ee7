"""The course's autograder: grades submitted notebooks without trusting them.

- ``checks/``: per assignment, what each graded component calls, on which seeded inputs,
  for how many points per category, and the known mistakes it recognises;
- ``sandbox.py`` and ``_runner.py``: the sandbox that runs a submission's code (one per submission, a fresh child per component);
- ``grader.py``: one notebook, from its cells to a scored, diagnosed result;
- ``batch.py``: many notebooks at once (local sandboxes or a Dask cluster), one failure
  costing one submission; ``cli.py`` (the ``autograder`` command), ``gradebook.py``
  (nbgrader), ``feedback.py`` (HTML);
- ``course.py`` and ``samples.py``: the nbgrader course tooling and sample submissions.
"""
