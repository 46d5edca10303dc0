import numpy as np

EXPECT = r"out of bounds.*Hint: hidden unit i is row i of W1|permute rows, not columns"


def permute_hidden(params, perm):
    return {"W1": np.asarray(params["W1"])[:, perm], "b1": np.asarray(params["b1"])[perm],
            "w2": np.asarray(params["w2"])[perm], "b2": params["b2"]}
