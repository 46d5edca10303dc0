from otter.test_files import test_case

OK_FORMAT = False

name = "layer_jacobian"
points = 2

@test_case(points=0, hidden=False)
def test_layer_jacobian_public_examples(assert_close, layer_jacobian, np, sigmoid):
    assert_close(layer_jacobian(np.array([[2.0]]), np.array([0.5])), [[0.39322386648]], 'layer_jacobian(W=[[2]], h=[0.5])')
    W = np.array([[0.5, -1.0, 2.0]])
    h = np.array([1.0, 0.5, -0.25])
    assert_close(layer_jacobian(W, h), [[0.1175018561, -0.2350037122, 0.4700074244]], 'layer_jacobian(W of shape (1, 3), h)')
    W = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -2.0]])
    h = np.array([0.3, -0.2])
    for j in range(2):
        e = np.zeros(2)
        e[j] = 1e-06
        column = (sigmoid(W @ (h + e)) - sigmoid(W @ (h - e))) / 2e-06
        assert_close(layer_jacobian(W, h)[:, j], column, f'column {j} of layer_jacobian(W of shape (3, 2), h) against nudging h[j]', rtol=1e-06, atol=1e-10)
    assert np.shape(layer_jacobian(np.ones((4, 2)), np.zeros(2))) == (4, 2), "layer_jacobian must have W's shape"
    print('layer_jacobian: public tests passed')

