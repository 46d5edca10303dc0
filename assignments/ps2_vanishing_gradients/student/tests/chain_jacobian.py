from otter.test_files import test_case

OK_FORMAT = False

name = "chain_jacobian"
points = 3

@test_case(points=0, hidden=False)
def test_chain_jacobian_public_examples(assert_close, chain_jacobian, layer_jacobian, np, sigmoid, sigmoid_prime):
    assert_close(chain_jacobian([], np.array([0.1, 0.2, 0.3])), np.eye(3), 'chain_jacobian([], x of length 3)')
    assert_close(chain_jacobian([np.array([[2.0]])], np.array([0.5])), [[sigmoid_prime(1.0) * 2.0]], 'chain_jacobian([[[2]]], x=[0.5])')
    W1 = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.3]])
    W2 = np.array([[0.7, -0.4, 1.2]])
    x = np.array([0.2, -0.1])
    h1 = sigmoid(W1 @ x)
    assert_close(chain_jacobian([W1, W2], x), layer_jacobian(W2, h1) @ layer_jacobian(W1, x), 'chain_jacobian([W1 (3 x 2), W2 (1 x 3)], x)')
    print('chain_jacobian: public tests passed')

