"""The short questions of ps1_gradient_ratios, each placed in the notebook where
the student has just run an experiment or is about to.

A question is declared once with :func:`depthlab.checks.toolkit.question`; its
typical wrong answers are catalogued mistakes (``@mistake(hint)``) whose hints
teach, so they are graded as mutants by tests/test_checks.py like any function's.
The reference answers are ``solutions.ps1_gradient_ratios.answer_*``.  No hint
states the right answer: each points back at the experiment or the derivation.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps1_gradient_ratios as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import question
# the wrong answers use the graded functions by name, as a student's cell would: here the reference's
from solutions.ps1_gradient_ratios import (bowl_grad, bowl_loss, contraction_factor, max_stable_learning_rate,
                                           optimal_learning_rate, steps_to_converge)

answer = Catalogue(fx)


# --------------------------------------------------------------------------- 1: predict, then run (7.1)

@answer("step 0 is the start (2, 1) itself, whose loss is 5: at least one step is needed")
def answer_circular_steps__counts_the_start():
    return 0


@answer("that is what the elliptical bowl needs at its own best rate; on the circle both coordinates "
        "share one factor per step: at the best rate, what is left of (2, 1) after one step?")
def answer_circular_steps__as_many_as_the_ellipse():
    return steps_to_converge(bowl_loss, bowl_grad, np.array([2.0, 1.0]), optimal_learning_rate(1.0, 4.0))


@answer("that is the circle's step count at the elliptical bowl's best rate (0.2); each bowl runs at its "
        "own best rate here")
def answer_circular_steps__at_the_ellipse_rate():
    return steps_to_converge(lambda w: bowl_loss(w, 1.0, 1.0), lambda w: bowl_grad(w, 1.0, 1.0),
                             np.array([2.0, 1.0]), optimal_learning_rate(1.0, 4.0))


# --------------------------------------------------------------------------- 2: choose an explanation (7.1)

@answer("below the rate where the zig-zag starts, the path does not zig-zag at all, and descent is slower "
        "still (section 7.2): the length of the path is not what sets the pace, the factor per step is")
def answer_zigzag_cost__longer_path():
    return "a"


@answer("at (2, 1) the elliptical gradient (4, 8) is larger than the circular one (4, 2), and on both bowls "
        "it shrinks with the distance: short steps are not what is missing; ask which direction keeps the rate "
        "from growing")
def answer_zigzag_cost__smaller_gradient():
    return "c"


@answer("both runs start at (2, 1) and end at (0, 0): the distance is the same")
def answer_zigzag_cost__farther_minimum():
    return "d"


# --------------------------------------------------------------------------- 3: predict, then run (7.2)

@answer("at 0.24 the y factor per step is close to -1: y flips sign every step and barely shrinks")
def answer_fastest_rate__largest_stable():
    return 0.24


@answer("at 0.26 the y coordinate is multiplied by a factor beyond -1 at every step: the run diverges")
def answer_fastest_rate__largest():
    return 0.26


@answer("at 0.1 there is no zig-zag, but x keeps 80% of itself at every step: the flat direction crawls")
def answer_fastest_rate__no_zigzag():
    return 0.1


# --------------------------------------------------------------------------- 4: read off a plot (7.3)

@answer("that is the kappa = 4 curve's dot; read the curve of kappa = 10 (its own colour)")
def answer_contraction_kappa10__reads_kappa4():
    return float(contraction_factor(1.0, 4.0, optimal_learning_rate(1.0, 4.0)))


@answer("that is the optimal learning rate, on the horizontal axis; the question asks for the contraction "
        "factor there, on the vertical axis")
def answer_contraction_kappa10__reads_the_rate():
    return float(optimal_learning_rate(1.0, 10.0))


@answer("that is the contraction at the stability limit, the right end of the curve's valley; the dot "
        "is the curve's lowest point")
def answer_contraction_kappa10__reads_the_limit():
    return float(contraction_factor(1.0, 10.0, max_stable_learning_rate(1.0, 10.0)))


QUESTIONS = (
    question("answer_circular_steps", 1, mistakes=answer.of("answer_circular_steps"),
             teach="on the circle at its best rate, work out the factor that multiplies both coordinates "
                   "in one step, then count the steps until the loss is at most 1e-8"),
    question("answer_zigzag_cost", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_zigzag_cost"),
             teach="compare the two runs of 7.1: which coordinate limits how large the rate may be, and what "
                   "does that leave for the other one?"),
    question("answer_fastest_rate", 1, mistakes=answer.of("answer_fastest_rate"),
             teach="answer with one of the four rates of section 7.2 (0.1, 0.2, 0.24 or 0.26)"),
    question("answer_contraction_kappa10", 1, tol=0.02, mistakes=answer.of("answer_contraction_kappa10"),
             teach="on the right panel of 7.3, find the dot on the kappa = 10 curve and read its height "
                   "(the contraction factor, vertical axis)"),
)
