import numpy as np
from depthlab.judge.spec import AssignmentSpec, Case, FunctionTest


def sigmoid_cases(rng):
    return [Case((0.0,), public=True), Case((np.array([-1e4, 0.0, 1e4]),)), Case((rng.normal(size=(3, 4)) * 5,))]


SPEC = AssignmentSpec(
    name="ps2_vanishing_gradients",
    reference_module="solutions.ps2_vanishing_gradients",
    tests=(FunctionTest("sigmoid", 2, sigmoid_cases),),
)
