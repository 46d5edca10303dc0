import numpy as np

EXPECT = r"inverse permutation"


def permute_hidden(params, perm):
    new = {"W1": np.zeros_like(params["W1"]), "b1": np.zeros_like(params["b1"]),
           "w2": np.zeros_like(params["w2"]), "b2": params["b2"]}
    for i, p in enumerate(perm):      # sends old unit i to position perm[i]
        new["W1"][p] = params["W1"][i]
        new["b1"][p] = params["b1"][i]
        new["w2"][p] = params["w2"][i]
    return new
