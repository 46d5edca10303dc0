from otter.test_files import test_case

OK_FORMAT = False

name = "bowl_loss"
points = 2

@test_case(points=0, hidden=False)
def test_bowl_loss_public_examples(bowl_loss, np):
    assert np.isclose(bowl_loss(np.array([1.0, 1.0])), 5.0), 'bowl_loss at (1, 1) with the default a=1, b=4 should be 1 + 4 = 5'
    assert np.isclose(bowl_loss(np.array([3.0, -2.0]), a=1.0, b=1.0), 13.0), 'on the circular bowl (a = b = 1) the loss at (3, -2) is 9 + 4 = 13'
    two = bowl_loss(np.array([[1.0, 1.0], [3.0, -2.0]]))
    assert np.shape(two) == (2,), f'two points (an array of shape (2, 2)) should give two losses, shape (2,); got shape {np.shape(two)}'
    assert np.allclose(two, [5.0, 25.0]), f'for the points (1, 1) and (3, -2) expected x**2 + 4*y**2 = [5, 25], got {two}'
    assert np.shape(bowl_loss(np.zeros((3, 4, 2)))) == (3, 4), 'a (3, 4, 2) grid of points should give a (3, 4) array of losses: one per point'
    print('bowl_loss: public tests passed')

