from otter.test_files import test_case

OK_FORMAT = False

name = "steps_to_converge"
points = 4

@test_case(points=0, hidden=False)
def test_steps_to_converge_public_examples(np, steps_to_converge):

    def loss_14(w):
        return w[0] ** 2 + 4.0 * w[1] ** 2

    def finite_only_grad(w):
        assert np.all(np.isfinite(w)), f'the gradient was evaluated at {w}: return None as soon as an iterate is not finite'
        return np.array([2.0, 8.0]) * w
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1.0, 1.0]), 0.2)
    assert k == 20, f'from (1, 1) with lr=0.2 the loss 5 * 0.36**k first drops below 1e-8 at k = 20; got {k}'
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1e-05, 0.0]), 0.2)
    assert k == 0, f'the start (1e-5, 0) has loss 1e-10 <= tol already: the answer is 0 steps; got {k}'
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1.0, 0.0]), 0.25, tol=4.0 ** (-5))
    assert k == 5, f'the loss after 5 steps equals tol = 4**-5 exactly, and loss <= tol counts: expected 5, got {k}'
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1.0, 1.0]), 0.2, max_steps=19)
    assert k is None, f'20 steps are needed but max_steps=19: expected None, got {k}'
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1.0, 1.0]), 0.2, max_steps=20)
    assert k == 20, f'20 steps are needed and max_steps=20 allows them: expected 20, got {k}'
    k = steps_to_converge(loss_14, finite_only_grad, np.array([1.0, 1.0]), 0.3)
    assert k is None, f'lr=0.3 is above the stable limit 0.25: y grows by 1.4 per step until it overflows; expected None, got {k}'
    print('steps_to_converge: public tests passed')

