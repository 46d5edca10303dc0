from otter.test_files import test_case

OK_FORMAT = False

name = "layer_jacobian"
points = 2

@test_case(points=0, hidden=False)
def test_layer_jacobian_public_examples(assert_close, layer_jacobian, np, sigmoid_prime):
    W = np.array([[0.5, -1.0, 2.0]])
    h = np.array([1.0, 0.5, -0.25])
    assert_close(layer_jacobian(W, h), sigmoid_prime(-0.5) * W, 'layer_jacobian(W of shape (1, 3), h)')
    W = np.array([[1.0, 2.0], [-1.0, 0.5]])
    h = np.array([0.3, -0.2])
    expected = np.array([sigmoid_prime(-0.1) * W[0], sigmoid_prime(-0.4) * W[1]])
    assert_close(layer_jacobian(W, h), expected, 'layer_jacobian(W=[[1, 2], [-1, 0.5]], h=[0.3, -0.2])')
    assert np.shape(layer_jacobian(np.ones((4, 2)), np.zeros(2))) == (4, 2), "layer_jacobian must have W's shape"
    print('layer_jacobian: public tests passed')

