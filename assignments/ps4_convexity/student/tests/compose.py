from otter.test_files import test_case

OK_FORMAT = False

name = "compose"
points = 2

@test_case(points=0, hidden=False)
def test_compose_public_examples(compose, np):
    h = compose(lambda z: z ** 2, lambda x: 2 * x + 1)
    assert callable(h), 'compose should return a function'
    assert np.isclose(h(3.0), 49.0), f'compose(z**2, 2x+1) at 3 is (2*3 + 1)**2 = 49, got {h(3.0)} (inner goes first)'
    square_of_difference = compose(lambda z: z ** 2, lambda w: w[0] - w[1])
    assert np.isclose(square_of_difference(np.array([3.0, 1.0])), 4.0), '(x1 - x2)**2 at (3, 1) is 4'
    difference_of_squares = compose(lambda z: z[0] - z[1], lambda w: w ** 2)
    assert np.isclose(difference_of_squares(np.array([3.0, 1.0])), 8.0), 'x1**2 - x2**2 at (3, 1) is 8'
    print('compose: public tests passed')

