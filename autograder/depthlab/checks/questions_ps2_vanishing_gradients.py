"""The short questions of ps2_vanishing_gradients, each placed in the notebook where
the student has just run an experiment or is about to.

Questions 1-3 sit around the comparison of sigmoid, tanh and ReLU chains at several
weight scales (the chapter's claim that the sigmoid makes vanishing worse, put to the
test), question 4 before the wide layers of section 9.

A question is declared once with :func:`depthlab.checks.toolkit.question`; its
typical wrong answers are catalogued mistakes (``@answer(hint)``) whose hints
teach, so they are graded as mutants by tests/test_checks.py like any function's.
The reference answers are ``solutions.ps2_vanishing_gradients.answer_*``.  No hint
states the right answer: each points back at the experiment or the reasoning.
"""
from __future__ import annotations

from depthlab.checks import fixtures_ps2_vanishing_gradients as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import question

answer = Catalogue(fx)


# --------------------------------------------------------------------------- 1: predict, then run (section 8)

@answer("the sigmoid's slope is at most 1/4, so with |w| around 1 every layer keeps at most about a quarter "
        "of the gradient; compare that with the largest slope of the other two")
def answer_best_activation__sigmoid():
    return "a"


@answer("ReLU's slope is exactly 1 where the unit is active, but in a chain with one node per layer: what "
        "does a single negative weight do to the next activation, and to every slope below it?")
def answer_best_activation__relu():
    return "c"


# --------------------------------------------------------------------------- 2: read off the table (section 8)

@answer("that is the sigmoid column; the question asks for the tanh chains")
def answer_tanh_factor__sigmoid_column():
    return 0.126        # (9.6e-19) ** (1 / 20), the sigmoid's median at sigma = 1


@answer("the gradient after 20 layers is a product of 20 factors, not a sum: a typical factor is the 20th "
        "root of the product, not a 20th of it")
def answer_tanh_factor__divides_by_depth():
    return 9.6e-07 / 20


@answer("that is the largest slope tanh has, at its centre: a bound, not what the chains keep; compute the "
        "factor from the median the table prints")
def answer_tanh_factor__slope_bound():
    return 1.0


@answer("that is the row sigma = 0.5; read the row sigma = 1")
def answer_tanh_factor__reads_sigma_half():
    return 0.265        # (2.9e-12) ** (1 / 20)


# --------------------------------------------------------------------------- 3: choose an explanation (section 8)

@answer("a factor of one layer is the slope times |w|: with |w| > 1 it can exceed 1 even though the slope does "
        "not, and at sigma = 2 tanh kept more than at sigma = 1; what changes between sigma = 2 and 8?")
def answer_tanh_large_scale__slope_at_most_one():
    return "a"


@answer("the table scales the same draws by sigma: every weight keeps its sign, and the factors enter (4.1) "
        "through their absolute values anyway")
def answer_tanh_large_scale__more_negative_weights():
    return "c"


@answer("float64 holds numbers down to about 1e-308 (1e-16 is its relative precision, the spacing near 1); "
        "the table prints medians like 1e-81, so the product itself does not underflow: look at the factors")
def answer_tanh_large_scale__underflow():
    return "d"


# --------------------------------------------------------------------------- 4: predict, then run (section 9)

@answer("that is the naive estimate: a stretch of about 2 sigma times the sigmoid's slope of at most 1/4 "
        "exceeds 1 from sigma = 4 on; but the sigmoid's slope is 1/4 only at its centre: read the mean "
        "slope and the share of saturated units in the table")
def answer_wide_growth__naive_estimate():
    return 4


@answer("at sigma = 8 the norm after 20 layers is still below 1 (the table's ||dh_20/dh_0||_2 column): "
        "saturation eats most of the stretch")
def answer_wide_growth__sigma_8():
    return 8


@answer("at sigma = 1 the stretch of about 2 times the slope of at most 1/4 is below 1 in every layer: "
        "the norm shrinks with depth, as in the one-node chain")
def answer_wide_growth__sigma_1():
    return 1


QUESTIONS = (
    question("answer_best_activation", 1, choices=("a", "b", "c"), mistakes=answer.of("answer_best_activation"),
             teach="answer with the letter of one activation: a (sigmoid), b (tanh) or c (ReLU)"),
    question("answer_tanh_factor", 1, tol=0.01, mistakes=answer.of("answer_tanh_factor"),
             teach="take the tanh column's median |dL/dh_0| in the row sigma = 1: it is a product of 20 "
                   "factors, one per layer; which single factor, repeated 20 times, gives it?"),
    question("answer_tanh_large_scale", 1, choices=("a", "b", "c", "d"), mistakes=answer.of("answer_tanh_large_scale"),
             teach="one layer's factor is the slope of tanh at the pre-activation w h times |w|: look at where "
                   "the pre-activations land when |w| is about 8, and at the slope there"),
    question("answer_wide_growth", 1, mistakes=answer.of("answer_wide_growth"),
             teach="answer with one of the five scales 1, 4, 8, 16 or 32: the smallest at which the norm after "
                   "20 layers (the table's ||dh_20/dh_0||_2 column) is above 1"),
)
