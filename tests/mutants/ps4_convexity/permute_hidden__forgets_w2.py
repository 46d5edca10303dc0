import numpy as np

EXPECT = r"w2 holds one entry per hidden unit"


def permute_hidden(params, perm):
    return {"W1": np.asarray(params["W1"])[perm], "b1": np.asarray(params["b1"])[perm],
            "w2": np.array(params["w2"], dtype=float), "b2": params["b2"]}
