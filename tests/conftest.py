import os

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
