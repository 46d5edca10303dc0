"""The long run of the malformed-notebook property (issue 12, item 7).

    .venv/bin/python scripts/fuzz_notebooks.py --examples 5000
    .venv/bin/python scripts/fuzz_notebooks.py --examples 2000 --kernel 40 --seed 7

Draws ``--examples`` mutated real submissions from the strategies of
``tests/test_fuzz_notebooks.py`` and checks each through the grader's real path
in this process (up to the kernel); ``--kernel N`` also grades N runnable ones
in real sandboxed kernels (batches of 3, engine ``direct``).  Unlike the test,
it does not stop at the first failure: it counts them, prints each distinct
problem once with the recipe of a case that shows it, and exits 1 if any.
"""
from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import given, seed as hypothesis_seed, settings   # noqa: E402

import test_fuzz_notebooks as fz   # noqa: E402


def run(check, strategy, examples: int, seed_value: int | None) -> tuple[int, dict]:
    """Run ``check(drawn) -> problems`` on ``examples`` drawn values; (count, problem -> first case)."""
    count = 0
    found: dict = {}

    @settings(fz.fuzz_settings("in_process", max_examples=examples, derandomize=False))
    @given(strategy)
    def body(drawn):
        nonlocal count
        count += 1
        for problem in check(drawn):
            # one entry per kind of problem: numbers and quoted values differ from case to case
            key = re.sub(r"'[^']*'|\d+", "_", problem)[:160]
            found.setdefault(key, (problem, drawn))
        if count % 500 == 0:
            print(f"  {count} cases, {len(found)} distinct problems so far", file=sys.stderr, flush=True)

    if seed_value is not None:
        body = hypothesis_seed(seed_value)(body)
    body()
    return count, found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="in-process cases (default 2000)")
    parser.add_argument("--kernel", type=int, default=0, help="runnable cases graded in real kernels (default 0)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args(argv)
    # nbformat logs every schema violation of every malformed notebook at ERROR: thousands of lines
    logging.getLogger("traitlets").setLevel(logging.CRITICAL)

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="depthlab-fuzz-") as tmp:
        folder = Path(tmp)
        count, found = run(lambda case: fz.check_in_process(case, folder), fz.cases(), args.examples, args.seed)
        kernel_count = 0
        if args.kernel:
            batches = max(1, args.kernel // 3)
            n, more = run(lambda batch: fz.grade_cases(batch, folder, "direct"), fz.batches(3, layer="runnable"),
                          batches, args.seed)
            kernel_count = 3 * n
            found.update(more)
    seconds = time.monotonic() - start
    print(f"{count} in-process cases, {kernel_count} in kernels, {len(found)} distinct problems, {seconds:.0f} s")
    for problem, case in found.values():
        print(f"- {problem[:400]}\n    {case!r}"[:1200])
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
