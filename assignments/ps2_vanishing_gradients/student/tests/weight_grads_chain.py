from otter.test_files import test_case

OK_FORMAT = False

name = "weight_grads_chain"
points = 2

@test_case(points=0, hidden=False)
def test_weight_grads_chain_public_examples(assert_close, backprop_chain, forward_chain, np, sigmoid_prime, weight_grads_chain):
    h = forward_chain([0.3, -1.2], 0.5)
    g = backprop_chain([0.3, -1.2], 0.5)
    expected = [sigmoid_prime(0.3 * h[0]) * h[0] * g[1], sigmoid_prime(-1.2 * h[1]) * h[1] * g[2]]
    assert_close(weight_grads_chain(np.array([0.3, -1.2]), 0.5), expected, 'weight_grads_chain(w=[0.3, -1.2], x=0.5)')
    assert_close(weight_grads_chain(np.array([]), 0.7), np.zeros(0), 'weight_grads_chain(w=[], x=0.7)')
    print('weight_grads_chain: public tests passed')

