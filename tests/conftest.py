import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Numba compiles on the first call of each signature, so example timings are meaningless.
settings.register_profile(
    "default", deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow]
)
# CI: the same examples every run, so a red build is reproducible.
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=30,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def course(tmp_path_factory) -> Path:
    """A copy of the nbgrader course with freshly generated student notebooks."""
    from autograder.course import COURSE_DIR, release

    root = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE_DIR / "source", root / "source")
    shutil.copy(COURSE_DIR / "nbgrader_config.py", root)
    release(root)
    return root
