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

from benchmarks.cases import CONV_CASES

THREAD_VARS = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}


# Targets (issue 15): pooling and depthwise forward at least PyTorch's speed; every other
# forward at least 1x in float64 and 0.5x in float32; every backward at least 0.5x.
def target(op: str, case: str, dtype: str) -> float:
    if op.startswith(("max_pool", "avg_pool")) or (case.startswith("depthwise") and "fwd" in op):
        return 1.0
    if op.endswith("bwd"):
        return 0.5
    return 1.0 if dtype == "float64" else 0.5


def conv_flops(case: str, op: str) -> float | None:
    """Floating-point operations of one call: 2 per multiply-add, forward 2*N*K*C_g*kh*kw*Ho*Wo;
    the backward computes dx and dw, twice the forward. None for rows that are not convolutions."""
    for name, (n, _, h, w), (k, cg, kh, kw), kwargs in CONV_CASES:
        if name == case and op.startswith("conv2d"):
            p, d = kwargs.get("padding", 0), kwargs.get("dilation", 1)
            ho, wo = h + 2 * p - d * (kh - 1), w + 2 * p - d * (kw - 1)
            forward = 2.0 * n * k * cg * kh * kw * ho * wo
            return forward * (2 if op.endswith("bwd") else 1)
    return None


def peak_gflops(dtype: str) -> tuple[float, str]:
    """This CPU's peak from its flags and clock: cores x GHz x FLOPs per cycle and core, where
    FLOPs per cycle = vector lanes x 2 (a fused multiply-add) x 2 FMA units (assumed: every
    server core with AVX-512 or AVX2 and FMA since Haswell has two)."""
    flags, mhz = set(), 0.0
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.strip() == "flags":
                flags = set(value.split())
            elif key.strip() == "cpu MHz":
                mhz = float(value)
    bits = 512 if "avx512f" in flags else 256 if "avx2" in flags else 128
    lanes = bits // (32 if dtype == "float32" else 64)
    fma = 2 if "fma" in flags or bits == 512 else 1
    per_cycle = lanes * 2 * fma
    cores = os.cpu_count() or 1
    how = f"{cores} cores x {mhz / 1e3:.2f} GHz x {per_cycle} ({bits}-bit {dtype} FMA, 2 units)"
    return cores * mhz / 1e3 * per_cycle, how


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

    header = ("op", "case", "dtype", "torch ms", "ours ms", "ratio", "ratio*", "target", "GFLOP/s")
    peaks = {d: peak_gflops(d) for d in ("float32", "float64")}
    rows = []
    misses = 0
    for key, t_ref in ref.items():
        op, case, dtype = key.split("|")
        goal = target(op, case, dtype)
        ratio, ratio_unset = t_ref / ours[key], t_ref / ours_unset[key]
        mark = "" if max(ratio, ratio_unset) >= goal else "  below"
        misses += bool(mark)
        flops = conv_flops(case, op)
        speed = ""  # ours, and its fraction of the CPU's peak
        if flops is not None:
            gflops = flops / min(ours[key], ours_unset[key]) / 1e9
            speed = f"{gflops:.1f} ({gflops / peaks[dtype][0]:.0%})"
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
                speed,
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
        "\nGFLOP/s = our convolutions' speed (best of both columns) and its fraction of peak: "
        + "; ".join(f"{d} {p:.0f} GFLOP/s = {how}" for d, (p, how) in peaks.items())
        + "."
        f"\n{len(rows) - misses} of {len(rows)} rows meet their target."
    )


if __name__ == "__main__":
    main()
