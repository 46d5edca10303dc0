"""How clearly the planted copy stands out in generated classes, and how long the
similarity section takes: ``python scripts/similarity_margin.py --students 30 --seeds 7 3``.

For each assignment and seed: a class with the planted pair (classgen, no grading),
then depthlab.similarity's pairs with the listing thresholds off, so the honest
pairs closest to being listed are shown too; the numbers in notes come from here.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from depthlab import classgen
from depthlab.similarity import MIN_SHARED, MIN_SIMILARITY, similar_pairs

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("ps1_gradient_ratios", "ps2_vanishing_gradients", "ps3_cliffs_valleys", "ps4_convexity")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--seeds", type=int, nargs="+", default=[7])
    ap.add_argument("--top", type=int, default=3)
    args = ap.parse_args()
    print(f"listed when rare >= {MIN_SHARED} tokens and similarity >= {MIN_SIMILARITY}")
    for seed in args.seeds:
        for a in ASSIGNMENTS:
            root = Path(tempfile.mkdtemp(prefix="similarity-margin-"))
            try:
                shutil.copytree(REPO / "source" / a, root / "source" / a)
                shutil.copyfile(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
                roster = classgen.generate_class(a, args.students, root, seed=seed, planted=True, root=root)
                classgen.release_path(a, root)        # generated once, outside the timing
                started = time.perf_counter()
                pairs = similar_pairs(a, [s.id for s in roster.students], root, min_shared=1, min_similarity=0)
                took = time.perf_counter() - started
                planted = (roster.students[-2].id, roster.students[-1].id)
                print(f"{a} seed {seed}: {took:.2f} s; planted {planted[0]} & {planted[1]}")
                for p in pairs[:args.top]:
                    mark = "PLANTED" if (p.first, p.second) == planted else "honest"
                    listed = p.rare >= MIN_SHARED and p.similarity >= MIN_SIMILARITY
                    print(f"  {mark:7} {p.label}: score {p.score:6.1f}  rare {p.rare:4d}  similarity {p.similarity:.2f}"
                          f"  {'listed' if listed else 'not listed'}")
            finally:
                shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
