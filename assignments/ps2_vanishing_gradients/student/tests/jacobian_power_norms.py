from otter.test_files import test_case

OK_FORMAT = False

name = "jacobian_power_norms"
points = 2

@test_case(points=0, hidden=False)
def test_jacobian_power_norms_public_examples(assert_close, jacobian_power_norms, np):
    assert_close(jacobian_power_norms(np.diag([0.5, 2.0]), 3), [2.0, 4.0, 8.0], 'jacobian_power_norms(diag(0.5, 2), n=3)')
    J = np.array([[0.5, 1.0], [0.0, 0.5]])
    expected = [np.linalg.norm(np.array([[0.5 ** k, k * 0.5 ** (k - 1)], [0, 0.5 ** k]]), 2) for k in range(1, 5)]
    assert_close(jacobian_power_norms(J, 4), expected, 'jacobian_power_norms([[0.5, 1], [0, 0.5]], n=4)')
    assert np.shape(jacobian_power_norms(J, 0)) == (0,), 'jacobian_power_norms(J, n=0) should have shape (0,)'
    print('jacobian_power_norms: public tests passed')

