from otter.test_files import test_case

OK_FORMAT = False

name = "backprop_chain"
points = 3

@test_case(points=0, hidden=False)
def test_backprop_chain_public_examples(assert_close, backprop_chain, forward_chain, np, sigmoid_prime):
    h = forward_chain([0.3, -1.2], 0.5)
    g1 = sigmoid_prime(-1.2 * h[1]) * -1.2 * 1.0
    g0 = sigmoid_prime(0.3 * h[0]) * 0.3 * g1
    assert_close(backprop_chain(np.array([0.3, -1.2]), 0.5), [g0, g1, 1.0], 'backprop_chain(w=[0.3, -1.2], x=0.5)')
    assert_close(backprop_chain(np.array([0.3, -1.2]), 0.5, dL_do=2.0), [2 * g0, 2 * g1, 2.0], 'backprop_chain(w=[0.3, -1.2], x=0.5, dL_do=2)')
    assert_close(backprop_chain(np.array([]), 0.3, dL_do=-1.5), [-1.5], 'backprop_chain(w=[], x=0.3, dL_do=-1.5)')
    print('backprop_chain: public tests passed')

