from otter.test_files import test_case

OK_FORMAT = False

name = "sigmoid_prime"
points = 1

@test_case(points=0, hidden=False)
def test_sigmoid_prime_public_examples(assert_close, np, sigmoid_prime):
    assert_close(sigmoid_prime(0.0), 0.25, 'sigmoid_prime(0)')
    s2 = 1 / (1 + np.exp(-2.0))
    assert_close(sigmoid_prime(np.array([-2.0, 0.0, 2.0])), [s2 * (1 - s2), 0.25, s2 * (1 - s2)], 'sigmoid_prime([-2, 0, 2])')
    assert_close(sigmoid_prime(np.array([-10000.0, 10000.0])), [0.0, 0.0], 'sigmoid_prime([-1e4, 1e4])')
    print('sigmoid_prime: public tests passed')

