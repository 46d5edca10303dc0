from otter.test_files import test_case

OK_FORMAT = False

name = "chain_jacobian"
points = 3

@test_case(points=0, hidden=False)
def test_chain_jacobian_public_examples(assert_close, chain_jacobian, np, sigmoid):
    assert_close(chain_jacobian([], np.array([0.1, 0.2, 0.3])), np.eye(3), 'chain_jacobian([], x of length 3)')
    assert_close(chain_jacobian([np.array([[2.0]])], np.array([0.5])), [[0.39322386648]], 'chain_jacobian([[[2]]], x=[0.5])')
    W1 = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.3]])
    W2 = np.array([[0.7, -0.4, 1.2]])
    x = np.array([0.2, -0.1])
    J = chain_jacobian([W1, W2], x)
    assert np.shape(J) == (1, 2), f'chain_jacobian for widths 2 -> 3 -> 1 should have shape (1, 2), got {np.shape(J)}'
    for j in range(2):
        e = np.zeros(2)
        e[j] = 1e-06
        column = (sigmoid(W2 @ sigmoid(W1 @ (x + e))) - sigmoid(W2 @ sigmoid(W1 @ (x - e)))) / 2e-06
        assert_close(J[:, j], column, f'column {j} of chain_jacobian([W1 (3 x 2), W2 (1 x 3)], x) against nudging x[{j}]', rtol=1e-06, atol=1e-10)
    print('chain_jacobian: public tests passed')

