from otter.test_files import test_case

OK_FORMAT = False

name = "sigmoid_prime"
points = 1

@test_case(points=0, hidden=False)
def test_sigmoid_prime_public_examples(assert_close, np, sigmoid, sigmoid_prime):
    z = np.linspace(-8.0, 8.0, 65)
    central = (sigmoid(z + 1e-05) - sigmoid(z - 1e-05)) / 2e-05
    assert_close(sigmoid_prime(z), central, 'sigmoid_prime(z) against (sigmoid(z + 1e-5) - sigmoid(z - 1e-5)) / 2e-5', rtol=1e-06, atol=1e-10)
    assert_close(sigmoid_prime(0.0), 0.25, 'sigmoid_prime(0)')
    assert_close(sigmoid_prime(np.array([-2.0, 0.0, 2.0])), [0.104994, 0.25, 0.104994], 'sigmoid_prime([-2, 0, 2])', rtol=1e-05)
    assert np.shape(sigmoid_prime(np.zeros((2, 3)))) == (2, 3), 'sigmoid_prime must return an array of the shape of z'
    assert_close(sigmoid_prime(np.array([-10000.0, 10000.0])), [0.0, 0.0], 'sigmoid_prime([-1e4, 1e4])')
    print('sigmoid_prime: public tests passed')

