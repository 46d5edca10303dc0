from otter.test_files import test_case

OK_FORMAT = False

name = "optimal_learning_rate"
points = 2

@test_case(points=0, hidden=False)
def test_optimal_learning_rate_public_examples(contraction_factor, np, optimal_learning_rate):
    eta = optimal_learning_rate(1.0, 4.0)
    assert np.isclose(eta, 0.2), f'a=1, b=4: the best fixed rate is 0.2; got {eta}'
    eta = optimal_learning_rate(1.0, 1.0)
    assert np.isclose(eta, 0.5), f'a=b=1: the best rate reaches the minimum in one step, which happens at 0.5; got {eta}'
    for a, b in [(1.0, 4.0), (2.5, 0.7), (1.0, 10.0)]:
        best = optimal_learning_rate(a, b)
        grid = np.linspace(0.0001, 1.5 / max(a, b), 3001)
        assert contraction_factor(a, b, best) <= min((contraction_factor(a, b, lr) for lr in grid)) + 1e-12, f'a={a}, b={b}: some rate in a grid has a smaller contraction factor than your rate {best}'
    print('optimal_learning_rate: public tests passed')

