from otter.test_files import test_case

OK_FORMAT = False

name = "jensen_gap"
points = 2

@test_case(points=0, hidden=False)
def test_jensen_gap_public_examples(jensen_gap, np):
    gap = jensen_gap(lambda w: w ** 2, 0.0, 2.0, 0.5)
    assert isinstance(gap, float), f'jensen_gap should return a float, got {type(gap).__name__}'
    assert np.isclose(gap, -1.0), f'jensen_gap(w**2, 0, 2, 0.5) should be 1 - 2 = -1, got {gap}'
    gap = jensen_gap(lambda w: w ** 2, 0.0, 2.0, 0.25)
    assert np.isclose(gap, -0.75), f'jensen_gap(w**2, 0, 2, 0.25) should be 2.25 - 3 = -0.75, got {gap}: lam multiplies w1 (and f(w1)), 1 - lam multiplies w2'
    product = lambda w: w[0] * w[1]
    gap = jensen_gap(product, [2.0, -2.0], [-2.0, 2.0], 0.5)
    assert np.isclose(gap, 4.0), f'jensen_gap(x*y, (2,-2), (-2,2), 0.5) should be 0 - (-4) = 4, got {gap}'
    assert np.isclose(jensen_gap(np.sin, 0.3, 2.0, 1.0), 0.0), 'with lam = 1 the gap must be 0'
    print('jensen_gap: public tests passed')

