from otter.test_files import test_case

OK_FORMAT = False

name = "check_convexity"
points = 5

@test_case(points=0, hidden=False)
def test_check_convexity_public_examples(check_convexity, jensen_gap, np):

    def bowl(w):
        return w[0] ** 2 + w[1] ** 2 - 2 * w[0] - 2 * w[1] + 6
    result = check_convexity(bowl, 2)
    assert result == (True, None), f'the bowl x^2 + y^2 - 2x - 2y + 6 is convex: expected (True, None), got {result}'

    def affine(w):
        return 3.0 * w[0] - 2.0 * w[1] + 1.0
    result = check_convexity(affine, 2)
    assert result == (True, None), f'an affine function is convex, expected (True, None): its gaps are rounding noise, so compare the gap with tol, not with 0. Got {result}'

    def product(w):
        return w[0] * w[1]
    convex, witness = check_convexity(product, 2)
    assert not convex, f'x*y is not convex, but check_convexity returned {convex}'
    assert witness is not None and len(witness) == 3, f'the witness should be (w1, w2, lam), got {witness}'
    w1, w2, lam = witness
    assert np.shape(w1) == (2,) and np.shape(w2) == (2,), 'w1 and w2 should be arrays of shape (dim,)'
    assert 0 < lam < 1, f'lam should lie in (0, 1), got {lam}'
    assert np.all(np.abs(w1) <= 3) and np.all(np.abs(w2) <= 3), 'w1 and w2 should lie in the box [-3, 3]^2'
    gap = jensen_gap(product, w1, w2, lam)
    assert gap > 1e-09, f"the witness must violate Jensen's inequality: its gap is {gap}, not above tol"
    result = check_convexity(np.sin, 1, low=3.3, high=6.1)
    assert result == (True, None), f'sin is convex on [3.3, 6.1]: expected (True, None), got {result}'
    print('check_convexity: public tests passed')

