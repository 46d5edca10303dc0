from otter.test_files import test_case

OK_FORMAT = False

name = "newton_step"
points = 2

@test_case(points=0, hidden=False)
def test_newton_step_public_examples(assert_close, newton_step, np):
    A = np.diag([2.0, 8.0])
    m = np.array([1.0, -1.0])
    assert_close(newton_step(lambda w: A @ (np.asarray(w) - m), lambda w: A, [3.0, 2.0]), m, 'newton_step on the quadratic with minimum [1, -1], from w=[3, 2]')
    assert_close(newton_step(lambda w: np.asarray(w) ** 3, lambda w: np.array([[3.0 * w[0] ** 2]]), [1.5]), [1.0], 'newton_step on w**4 / 4 from w=[1.5]')
    assert_close(newton_step(lambda w: 10 * np.asarray(w) ** 3, lambda w: np.array([[30.0 * w[0] ** 2]]), [1.5]), [1.0], 'newton_step on 10 * w**4 / 4 from w=[1.5]')
    print('newton_step: public tests passed')

