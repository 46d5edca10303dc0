"""The short questions of ps4_convexity, each placed in the notebook where the
student has just run an experiment or is about to.

Declared with :func:`depthlab.checks.toolkit.question`, like ps1's
(:mod:`.questions_ps1_gradient_ratios`): the typical wrong answers are
catalogued mistakes whose hints teach, graded as mutants by
tests/test_checks.py.  The reference answers are
``solutions.ps4_convexity.answer_*``.  No hint states the right answer: each
points back at the experiment, the checker's witness or the definition.
"""
from __future__ import annotations

from depthlab.checks import fixtures_ps4_convexity as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import question

answer = Catalogue(fx)


# --------------------------------------------------------------------------- 1: predict, then run (section 4)

@answer("that is both claims taken at their word; a single witness with a positive gap is enough to reject "
        "a function, and your checker prints one wherever it found it")
def answer_claims_rejected__believes_both_claims():
    return 0


@answer("that counts only the two functions with a single minimum; the activations are judged by the same "
        "inequality: where does the sigmoid bend up, and where down?")
def answer_claims_rejected__activations_all_convex():
    return 2


@answer("a kink alone does not break convexity: the chord of max(0, z) from z = -1 to z = 1 runs from 0 to 1; "
        "is the graph ever above it? Count the functions your checker printed a witness for")
def answer_claims_rejected__kink_breaks_convexity():
    return 5


@answer("a function that curves upwards everywhere (or is straight) stays below every chord; not every one "
        "of the six bends down somewhere. Count the lines that say NOT convex")
def answer_claims_rejected__all_six():
    return 6


# --------------------------------------------------------------------------- 2: choose an explanation (section 4)

@answer("the checker only reports gaps above tol = 1e-9, and rounding errors are near 1e-16; recompute "
        "jensen_gap at the printed witness: the gap is many orders of magnitude larger than rounding")
def answer_single_minimum__rounding():
    return "a"


@answer("1 - exp(-w^2) has its only stationary point at 0 (its derivative 2 w exp(-w^2) vanishes nowhere "
        "else) and it stays below 1 everywhere: there is no second dip, inside the box or outside it")
def answer_single_minimum__hidden_second_minimum():
    return "c"


@answer("a witness is a proof anyone can check, whatever seed produced it: recompute jensen_gap at the "
        "printed (w1, w2, lam). No seed can undo one genuine violation")
def answer_single_minimum__other_seed_would_pass():
    return "d"


# --------------------------------------------------------------------------- 3: predict, then run (section 6)

@answer("the two ends compute the same function, but the point halfway has weights of its own: each hidden "
        "unit there is the average of two different units. Does that average compute what either one did?")
def answer_twin_midpoint__same_function():
    return "a"


@answer("averaging the outputs of two networks could do that; here the weights are averaged, inside the "
        "tanh. Compare the third curve of the left panel with the data")
def answer_twin_midpoint__averaging_helps():
    return "b"


@answer("the same numbers in another order are a different point: compare the printed loss halfway with "
        "the trained network's loss, how many times larger is it?")
def answer_twin_midpoint__a_little_higher():
    return "d"


# --------------------------------------------------------------------------- 4: predict, then run (section 7)

@answer("that is how many starts end in the lowest of the minima the starts reach; is that the lowest "
        "point of the drawn curve? Look at the last term of the formula: where is its well, and how wide?")
def answer_starts_in_lowest__lowest_found():
    return 5   # the starts that end at w = -0.474, the best minimum multi-start reports


@answer("descent goes downhill from where it starts and stops in the first dip it meets, not in the "
        "lowest one; where would a start have to be to fall into the lowest?")
def answer_starts_in_lowest__all_starts():
    return 23


@answer("the leftmost start is at -5.5; the well's term is negligible more than about three widths "
        "(0.35 each) from its centre: which way does the loss slope at -5.5?")
def answer_starts_in_lowest__the_leftmost_start():
    return 1


# --------------------------------------------------------------------------- 5: read off the output (section 7)

@answer("that is the number of starts; many starts end in the same minimum, and the table merges them")
def answer_multistart_minima__counts_the_starts():
    return 23


@answer("that counts end points that differ at all; runs that reach the same minimum from different sides "
        "differ by less than 1e-3 and are one minimum (that is what distinct_minima is for)")
def answer_multistart_minima__no_merging():
    return 10   # the cell's 23 end points take 10 different values (distinct_minima(ends, tol=0) measured)


@answer("that counts every dip of the drawn curve; the question asks what the starts found. Is there a dip "
        "on the plot that no start reaches?")
def answer_multistart_minima__every_dip_of_the_curve():
    return 7


# --------------------------------------------------------------------------- 6: choose an explanation (section 7)

@answer("look at the horizontal axis of the histogram: it is log10 of the loss, and the bars do not sit "
        "in one place. Compare the printed lowest and highest losses")
def answer_seeds_reading__all_the_same():
    return "a"


@answer("compare the highest final loss with the printed loss of the constant prediction: is any seed "
        "anywhere near it?")
def answer_seeds_reading__stuck_at_the_trivial_fit():
    return "c"


@answer("a different final loss need not mean a different minimum: the runs stop after 3000 steps, "
        "converged or not, and reordered twins (section 6) share one loss. What the run measures is "
        "where 3000 steps end")
def answer_seeds_reading__thirty_minima():
    return "d"


QUESTIONS = (
    question("answer_claims_rejected", 1, mistakes=answer.of("answer_claims_rejected"),
             teach="run the claims cell and count the functions your checker reports as NOT convex (a whole "
                   "number from 0 to 6)"),
    question("answer_single_minimum", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_single_minimum"),
             teach="look at the graph of 1 - exp(-w^2) far from 0 and at the witness your checker printed: "
                   "where on the segment does the point lie, and how does the graph bend there?"),
    question("answer_twin_midpoint", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_twin_midpoint"),
             teach="compare the printed loss halfway with the trained network's loss, and the left panel's "
                   "curve halfway with the data"),
    question("answer_starts_in_lowest", 1, mistakes=answer.of("answer_starts_in_lowest"),
             teach="find the lowest point of the drawn curve, then follow descent from each start downhill: "
                   "which dip does it stop in?"),
    question("answer_multistart_minima", 1, mistakes=answer.of("answer_multistart_minima"),
             teach="count the lines of the table the multi-start cell prints (the stars of its figure)"),
    question("answer_seeds_reading", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_seeds_reading"),
             teach="read the three printed lines of the seeds cell: the spread of the final losses, and the "
                   "worst of them against the constant prediction's loss"),
)
