from otter.test_files import test_case

OK_FORMAT = False

name = "bowl_grad"
points = 2

@test_case(points=0, hidden=False)
def test_bowl_grad_public_examples(bowl_grad, bowl_loss, np):
    g = bowl_grad(np.array([1.0, 1.0]))
    assert np.allclose(g, [2.0, 8.0]), f'the gradient of x**2 + 4*y**2 at (1, 1) is (2, 8); got {g}'
    g = bowl_grad(np.array([3.0, -2.0]), a=1.0, b=1.0)
    assert np.allclose(g, [6.0, -4.0]), f'on the circular bowl the gradient at (3, -2) is (6, -4); got {g}'
    two = bowl_grad(np.array([[1.0, 1.0], [3.0, -2.0]]))
    assert np.shape(two) == (2, 2), f'two points of shape (2, 2) should give gradients of shape (2, 2), got {np.shape(two)}'
    assert np.allclose(two, [[2.0, 8.0], [6.0, -16.0]]), f'one gradient per row: expected [[2, 8], [6, -16]], got {two}'
    h = 1e-06
    for point, a, b in [(np.array([0.3, -0.7]), 1.0, 4.0), (np.array([-1.2, 0.4]), 2.5, 0.5)]:
        central = [(bowl_loss(point + h * e, a, b) - bowl_loss(point - h * e, a, b)) / (2 * h) for e in np.eye(2)]
        assert np.allclose(bowl_grad(point, a, b), central, atol=1e-05), f'bowl_grad at {point} with a={a}, b={b} is {bowl_grad(point, a, b)}, but central differences of bowl_loss give {central}'
    print('bowl_grad: public tests passed')

