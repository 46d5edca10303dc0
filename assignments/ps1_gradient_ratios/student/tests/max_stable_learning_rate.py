from otter.test_files import test_case

OK_FORMAT = False

name = "max_stable_learning_rate"
points = 2

@test_case(points=0, hidden=False)
def test_max_stable_learning_rate_public_examples(bowl_grad, gradient_descent, max_stable_learning_rate, np):
    eta = max_stable_learning_rate(1.0, 4.0)
    assert np.isclose(eta, 0.25), f'a=1, b=4: descent is stable only below 0.25; got {eta}'
    eta = max_stable_learning_rate(1.0, 1.0)
    assert np.isclose(eta, 1.0), f'a=b=1: stable below 1; got {eta}'
    for a, b in [(1.0, 4.0), (3.0, 0.5)]:
        limit = max_stable_learning_rate(a, b)
        for factor, shrinks in [(0.95, True), (1.05, False)]:
            run = gradient_descent(lambda w: bowl_grad(w, a, b), np.array([1.0, 1.0]), factor * limit, 200)
            assert (np.linalg.norm(run[-1]) < 1.0) == shrinks, f"a={a}, b={b}: at {factor} times your limit {limit} the run from (1, 1) {('grows' if shrinks else 'shrinks')} to {np.linalg.norm(run[-1]):.3g} after 200 steps"

    def raises_value_error(function, *args):
        try:
            function(*args)
        except ValueError:
            return True
        return False
    assert raises_value_error(max_stable_learning_rate, -1.0, 4.0), 'max_stable_learning_rate(-1, 4) should raise ValueError: with a <= 0 the bowl has no minimum'
    print('max_stable_learning_rate: public tests passed')

