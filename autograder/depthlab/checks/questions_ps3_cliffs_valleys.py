"""The short questions of ps3_cliffs_valleys, each placed in the notebook where
the student has just run an experiment or is about to.

A question is declared once with :func:`depthlab.checks.toolkit.question`; its
typical wrong answers are catalogued mistakes (``@answer(hint)``) whose hints
teach, so they are graded as mutants by tests/test_checks.py like any function's.
The reference answers are ``solutions.ps3_cliffs_valleys.answer_*``.  No hint
states the right answer: each points back at the experiment or at Section 1's
statement about the product of the rate and the curvature.
"""
from __future__ import annotations

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import question

answer = Catalogue(fx)

# A wrong answer's function is run on its own, like a student's cell (module names are out of its reach),
# so the valley's numbers are spelled out in each: L = 10 q**2 + 0.05 p**2 + 0.02 p**4 has curvature
# 2 * 10 = 20 across the floor, 0.1 + 0.24 p**2 along it (0.1 at the minimum, 3.94 at the start p = -4).


# --------------------------------------------------------------------------- 1: predict, then run (Section 2)

@answer("clipping caps the length of every step at lr * 0.5 = 0.4, whatever the gradient on the face: "
        "how far past the foot can steps of at most 0.4 carry the iterate?")
def answer_clipped_landing__thrown_as_far():
    return "a"


@answer("on the plateau the gradients are shorter than 0.5 (see the |gradient| column of the curvature "
        "table): clipping does not touch them, so the first steps are those of the unclipped large rate")
def answer_clipped_landing__crawls_like_the_small_rate():
    return "b"


@answer("clipping shortens a long gradient but keeps its direction and never makes it zero: on the face "
        "every clipped step is still 0.4 long and points downhill")
def answer_clipped_landing__stops_on_the_face():
    return "d"


# --------------------------------------------------------------------------- 2: predict, then run (Section 3)

@answer("a step along minus the gradient would go right; Newton's step is not that step: in one dimension it "
        "is minus the slope divided by the curvature. At x = -0.25 the slope along x is negative and so is "
        "the curvature (the table of Section 2): work out the sign of the step")
def answer_newton_cliff__descends_towards_the_face():
    return "a"


@answer("that is what happens from x = -2, where the model curves up and its stationary point is a minimum "
        "near the bottom of the bowl; at x = -0.25 the model curves down along x: what kind of stationary "
        "point does it have along x?")
def answer_newton_cliff__jumps_into_the_bowl():
    return "c"


@answer("for a short step, the loss goes down only if the step has a positive product with minus the "
        "gradient (which points right, down towards the face); Newton's step goes to the model's stationary point "
        "whether or not that point is lower")
def answer_newton_cliff__left_and_down():
    return "d"


# --------------------------------------------------------------------------- 3: predict, then run (Section 3)

@answer("at that rate one step lands exactly on the floor: the best rate across the valley, "
        "not the largest one; Section 1 allows the product of rate and curvature up to a larger bound")
def answer_valley_max_rate__best_rate():
    return 1.0 / 20.0


@answer("10 is the coefficient of q**2 in the loss; the curvature across the valley is the second "
        "derivative of 10 q**2 by q")
def answer_valley_max_rate__coefficient_not_curvature():
    return 2.0 / 10.0


@answer("that is the limit set by the floor's curvature at the minimum (0.1); the walls curve up far more "
        "sharply, and the rate has to suit every direction at once")
def answer_valley_max_rate__floor_limit():
    return 2.0 / 0.1


@answer("that is the limit set by the floor's curvature at the start (3.9); the walls curve up more "
        "sharply still, and the rate has to suit every direction at once")
def answer_valley_max_rate__floor_limit_at_start():
    return 2.0 / (0.1 + 0.24 * 4.0 ** 2)


# --------------------------------------------------------------------------- 4: choose an explanation (Section 3)

@answer("momentum_descent computes no Hessian and no difference of gradients divided by a step: look at "
        "its update, v <- beta v - lr grad; it only adds up past gradient steps")
def answer_momentum_speed__estimates_curvature():
    return "a"


@answer("look at the momentum path on the left panel and at its loss curve: the iterate still goes up "
        "the walls (the loss goes up and down); what differs is what happens along the floor")
def answer_momentum_speed__never_touches_the_walls():
    return "b"


@answer("that is Nesterov's variant; your momentum_descent, which the race ran, takes the gradient at w_k "
        "itself and still wins")
def answer_momentum_speed__looks_ahead():
    return "d"


QUESTIONS = (
    question("answer_clipped_landing", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_clipped_landing"),
             teach="compare the three printed lines of the cliff experiment: the farthest x each run reached "
                   "and where the bottom of the bowl is"),
    question("answer_newton_cliff", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_newton_cliff"),
             teach="read the row of x = -0.25 in the table of Newton steps: where the step lands and the loss "
                   "before and after"),
    question("answer_valley_max_rate", 1, tol=1e-3, mistakes=answer.of("answer_valley_max_rate"),
             teach="across the valley the loss is 10 q**2: find its curvature, then use Section 1's limit on "
                   "the product of rate and curvature (the printed distances across the valley show it)"),
    question("answer_momentum_speed", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_momentum_speed"),
             teach="write the velocity after a few steps as a sum of past gradients: what happens to gradients "
                   "that keep their sign, and to those that alternate?"),
)
