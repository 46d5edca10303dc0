from otter.test_files import test_case

OK_FORMAT = False

name = "optimal_learning_rate"
points = 1

@test_case(points=0, hidden=False)
def test_optimal_learning_rate_public_examples(contraction_factor, np, optimal_learning_rate):
    eta = optimal_learning_rate(1.0, 4.0)
    assert np.isclose(eta, 0.2), f'a=1, b=4: the best fixed rate is 1 / (1 + 4) = 0.2; got {eta}'
    eta = optimal_learning_rate(1.0, 1.0)
    assert np.isclose(eta, 0.5), f'a=b=1: the best rate 0.5 reaches the minimum in one step; got {eta}'
    rho = contraction_factor(1.0, 4.0, optimal_learning_rate(1.0, 4.0))
    assert np.isclose(rho, 0.6), f'at the optimal rate the contraction of a=1, b=4 is (4 - 1)/(4 + 1) = 0.6; got {rho}'
    print('optimal_learning_rate: public tests passed')

