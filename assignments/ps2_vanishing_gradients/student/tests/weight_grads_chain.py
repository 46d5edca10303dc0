from otter.test_files import test_case

OK_FORMAT = False

name = "weight_grads_chain"
points = 2

@test_case(points=0, hidden=False)
def test_weight_grads_chain_public_examples(assert_close, forward_chain, np, weight_grads_chain):
    assert_close(weight_grads_chain(np.array([2.0]), 0.5), [0.09830596662], 'weight_grads_chain(w=[2], x=0.5)')
    w, x = (np.array([0.3, -1.2]), 0.5)
    by_nudging = np.zeros(2)
    for t in range(2):
        e = np.zeros(2)
        e[t] = 1e-06
        by_nudging[t] = (forward_chain(w + e, x)[-1] - forward_chain(w - e, x)[-1]) / 2e-06
    assert_close(weight_grads_chain(w, x), by_nudging, 'weight_grads_chain(w=[0.3, -1.2], x=0.5) against nudged weights', rtol=1e-06, atol=1e-10)
    assert_close(weight_grads_chain(w, x, dL_do=-3.0), -3.0 * weight_grads_chain(w, x), 'weight_grads_chain(..., dL_do=-3)')
    assert_close(weight_grads_chain(w, 0.0)[0], 0.0, 'weight_grads_chain(w=[0.3, -1.2], x=0) entry 0')
    assert_close(weight_grads_chain(np.array([]), 0.7), np.zeros(0), 'weight_grads_chain(w=[], x=0.7)')
    print('weight_grads_chain: public tests passed')

