"""Reference solution of ps2_vanishing_gradients: backpropagation through a deep chain.

The chain has one node per layer and ``m`` weights: ``h[0] = x`` and
``h[t+1] = sigmoid(w[t] * h[t])``, so ``w[t]`` is the chapter's ``w_{t+1}`` and
the output is ``o = h[m]``.  Equation (4.1) of the chapter reads, in this
indexing, ``dL/dh_t = sigmoid'(w[t] * h[t]) * w[t] * dL/dh_{t+1}``.

The wider networks at the end have a vector ``h_t`` per layer and a weight
matrix ``W_t``: ``h_t = sigmoid(W_t @ h_{t-1})``.
"""
import numpy as np


def sigmoid(z):
    """Elementwise logistic function ``1 / (1 + exp(-z))`` as a float array.

    Written so that ``exp`` only ever sees ``-|z| <= 0``: no overflow (and no
    warning) for any finite ``z``, and exactly 0.5 at 0.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))           # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """Derivative of the sigmoid, ``sigmoid(z) * (1 - sigmoid(z))``; at most 0.25."""
    s = sigmoid(z)
    return s * (1.0 - s)


def forward_chain(w, x):
    """Activations ``h[0] = x, h[t+1] = sigmoid(w[t] * h[t])`` of the chain, shape ``(m + 1,)``."""
    w = np.asarray(w, dtype=float)
    h = np.empty(w.size + 1)
    h[0] = float(x)
    for t in range(w.size):
        h[t + 1] = sigmoid(w[t] * h[t])
    return h


def backprop_chain(w, x, dL_do=1.0):
    """``g[t] = dL/dh_t`` for ``t = 0..m`` by equation (4.1), shape ``(m + 1,)``.

    ``g[m] = dL_do`` and ``g[t] = sigmoid_prime(w[t] * h[t]) * w[t] * g[t+1]``.
    """
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = float(dL_do)
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * w[t] * g[t + 1]
    return g


def weight_grads_chain(w, x, dL_do=1.0):
    """``dL/dw[t] = sigmoid_prime(w[t] * h[t]) * h[t] * g[t+1]``, shape ``(m,)``."""
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return sigmoid_prime(w * h[:-1]) * h[:-1] * g[1:]


def numerical_gradient(f, x, eps=1e-6):
    """Central differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every
    entry ``i`` of the array ``x`` (any shape); the result has the shape of ``x``.

    ``f`` is always called with a float array of ``x``'s shape; ``x`` is not changed.
    """
    x = np.array(x, dtype=float)     # a float copy: perturbing it leaves the caller's x alone
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        f_plus = float(f(x))
        x[i] = saved - eps
        f_minus = float(f(x))
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def gradient_magnitudes(W, x):
    """``abs(backprop_chain(W[i], x))`` for every row ``i`` of ``W``, shape ``(n_trials, m + 1)``."""
    W = np.asarray(W, dtype=float)
    out = np.empty((W.shape[0], W.shape[1] + 1))
    for i in range(W.shape[0]):
        out[i] = np.abs(backprop_chain(W[i], x))
    return out


def activation_gradient_magnitudes(W, x, activation):
    """``gradient_magnitudes`` for the chain ``h[t+1] = phi(w[t] * h[t])`` with the activation
    ``phi`` named by ``activation``: ``"sigmoid"``, ``"tanh"`` or ``"relu"`` (``max(z, 0)``,
    whose slope is taken as 0 at ``z = 0``); any other name raises ``ValueError``.

    Row ``i`` is ``|dL/dh_t|``, ``t = 0..m``, of the chain with weights ``W[i]`` and input
    ``x``, by (4.1) with ``phi'`` in place of ``sigmoid'`` and ``dL_do = 1``; shape
    ``(n_trials, m + 1)``.  For ``"sigmoid"`` it equals ``gradient_magnitudes(W, x)``.
    """
    slopes = {"sigmoid": (sigmoid, sigmoid_prime),
              "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float))}
    if activation not in slopes:
        raise ValueError(f"activation must be one of {sorted(slopes)}, got {activation!r}")
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    n_trials, m = W.shape
    h = np.empty((n_trials, m + 1))
    h[:, 0] = float(x)
    for t in range(m):
        h[:, t + 1] = phi(W[:, t] * h[:, t])
    g = np.empty((n_trials, m + 1))
    g[:, m] = 1.0
    for t in range(m - 1, -1, -1):
        g[:, t] = dphi(W[:, t] * h[:, t]) * W[:, t] * g[:, t + 1]
    return np.abs(g)


def layer_jacobian(W, h):
    """Jacobian of ``h_next = sigmoid(W @ h)`` with respect to ``h``:
    ``diag(sigmoid_prime(W @ h)) @ W``, shape ``(n_out, n_in)``."""
    W = np.asarray(W, dtype=float)
    h = np.asarray(h, dtype=float)
    return sigmoid_prime(W @ h)[:, None] * W


def chain_jacobian(Ws, x):
    """``dh_m/dh_0 = J_m @ ... @ J_1`` for ``h_t = sigmoid(W_t @ h_{t-1})``, ``h_0 = x``.

    ``J_t = layer_jacobian(W_t, h_{t-1})``; an empty ``Ws`` gives the identity
    of size ``len(x)``.
    """
    h = np.asarray(x, dtype=float)
    P = np.eye(h.size)
    for W in Ws:
        W = np.asarray(W, dtype=float)
        P = layer_jacobian(W, h) @ P     # the newest layer multiplies from the left
        h = sigmoid(W @ h)
    return P


def spectral_radius(A):
    """Largest absolute eigenvalue of the square matrix ``A`` (a float)."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"spectral_radius needs a square matrix, got shape {A.shape}")
    if A.size == 0:
        raise ValueError("spectral_radius needs a non-empty matrix")
    return float(np.max(np.abs(np.linalg.eigvals(A))))


def jacobian_power_norms(J, n):
    """Spectral norms (largest singular values) of the matrix powers ``J**1 ... J**n``, shape ``(n,)``."""
    J = np.asarray(J, dtype=float)
    norms = np.empty(n)
    P = np.eye(J.shape[0])
    for k in range(n):
        P = P @ J
        norms[k] = np.linalg.norm(P, 2)
    return norms


# --------------------------------------------------------------------------- short questions
# Each question of the notebook is answered by a function of no arguments.  The
# numbers are what the notebook's given cells print, computed here with the same
# seeds from the functions above (each function stands alone: the notebook's
# solution cell of a question holds only its answer).

def answer_best_activation():
    """Question 1 (predict, then run): at weight scale sigma = 1, which activation keeps
    the largest median |dL/dh_0| after 20 layers: (a) sigmoid, (b) tanh, (c) ReLU.
    (b): tanh's slope reaches 1 (the sigmoid's 1/4), and a one-node ReLU chain dies at
    its first negative weight."""
    return "b"


def answer_tanh_factor():
    """Question 2 (read off the table): the typical factor per layer of the tanh chains
    at sigma = 1, (median |dL/dh_0|) ** (1 / 20), from the 400 chains of the table."""
    W = np.random.default_rng(3).normal(size=(400, 20))          # the table's draws, sigma = 1
    return float(np.median(activation_gradient_magnitudes(W, 1.0, "tanh")[:, 0]) ** (1.0 / 20))


def answer_tanh_large_scale():
    """Question 3 (choose an explanation): why tanh keeps far less gradient at sigma = 8
    than at sigma = 2.  (b): the pre-activations land where tanh is saturated."""
    return "b"


def answer_wide_growth():
    """Question 4 (predict, then run): the smallest sigma of 1, 4, 8, 16, 32 at which
    ||dh_20/dh_0||_2 of the wide sigmoid layers (n = 48, the notebook's seeds) exceeds 1."""
    n, m = 48, 20
    rng = np.random.default_rng(2)
    x_wide = rng.normal(size=n)
    grows = []
    for sigma in (1, 4, 8, 16, 32):                 # drawn in the notebook's order
        Ws = [rng.normal(0.0, sigma / np.sqrt(n), size=(n, n)) for _ in range(m)]
        if np.linalg.norm(chain_jacobian(Ws, x_wide), 2) > 1.0:
            grows.append(sigma)
    return min(grows)
