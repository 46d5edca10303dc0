"""The hidden tests of every assignment: one module ``depthlab.checks.<name>`` each,
defining ``SPEC``, registered here.  A long one keeps each group of graded
functions in a sibling module ``<name>_<group>`` (its cases, judge, typical
mistakes and diagnosis) and its short questions in ``questions_<name>``; the
module ``<name>`` imports them and is the one place its tests are listed.

Only the names are listed: a module is imported when its assignment is graded,
so a Gradescope autograder can hold one assignment's checks and reference alone.
"""

#: every assignment with hidden tests
ASSIGNMENTS = (
    "ps1_gradient_ratios",
    "ps2_vanishing_gradients",
    "ps3_cliffs_valleys",
    "ps4_convexity",
)
