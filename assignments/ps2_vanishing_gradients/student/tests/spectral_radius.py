from otter.test_files import test_case

OK_FORMAT = False

name = "spectral_radius"
points = 1

@test_case(points=0, hidden=False)
def test_spectral_radius_public_examples(assert_close, assert_raises, np, spectral_radius):
    assert_close(spectral_radius(np.array([[-3.0, 0.0], [0.0, 2.0]])), 3.0, 'spectral_radius(diag(-3, 2))')
    assert_close(spectral_radius(np.array([[0.0, -0.9], [0.9, 0.0]])), 0.9, 'spectral_radius(0.9 * rotation)')
    assert_close(spectral_radius(np.array([[0.5, 10.0], [0.0, 0.3]])), 0.5, 'spectral_radius([[0.5, 10], [0, 0.3]])')
    assert_raises(ValueError, 'spectral_radius of a 2 x 3 matrix', spectral_radius, np.ones((2, 3)))
    print('spectral_radius: public tests passed')

