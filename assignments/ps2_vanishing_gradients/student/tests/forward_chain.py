from otter.test_files import test_case

OK_FORMAT = False

name = "forward_chain"
points = 2

@test_case(points=0, hidden=False)
def test_forward_chain_public_examples(assert_close, forward_chain, np):
    h1 = 1 / (1 + np.exp(-0.3 * 0.5))
    h2 = 1 / (1 + np.exp(1.2 * h1))
    assert_close(forward_chain(np.array([0.3, -1.2]), 0.5), [0.5, h1, h2], 'forward_chain(w=[0.3, -1.2], x=0.5)')
    assert_close(forward_chain(np.array([]), 0.7), [0.7], 'forward_chain(w=[], x=0.7)')
    assert_close(forward_chain([0.3, -1.2], 0.5), [0.5, h1, h2], 'forward_chain(w=[0.3, -1.2] as a list, x=0.5)')
    print('forward_chain: public tests passed')

