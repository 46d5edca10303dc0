from otter.test_files import test_case

OK_FORMAT = False

name = "max_stable_learning_rate"
points = 2

@test_case(points=0, hidden=False)
def test_max_stable_learning_rate_public_examples(max_stable_learning_rate, np):
    eta = max_stable_learning_rate(1.0, 4.0)
    assert np.isclose(eta, 0.25), f'a=1, b=4: the steep direction y is stable only below 1/4 = 0.25; got {eta}'
    eta = max_stable_learning_rate(1.0, 1.0)
    assert np.isclose(eta, 1.0), f'a=b=1: stable below 1; got {eta}'

    def raises_value_error(function, *args):
        try:
            function(*args)
        except ValueError:
            return True
        return False
    assert raises_value_error(max_stable_learning_rate, -1.0, 4.0), 'max_stable_learning_rate(-1, 4) should raise ValueError: with a <= 0 the bowl has no minimum'
    print('max_stable_learning_rate: public tests passed')

