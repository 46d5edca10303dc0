from otter.test_files import test_case

OK_FORMAT = False

name = "permute_hidden"
points = 3

@test_case(points=0, hidden=False)
def test_permute_hidden_public_examples(np, permute_hidden):
    params = {'W1': np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), 'b1': np.array([0.1, 0.2, 0.3]), 'w2': np.array([10.0, 20.0, 30.0]), 'b2': 0.5}
    new = permute_hidden(params, np.array([1, 2, 0]))
    assert set(new) == {'W1', 'b1', 'w2', 'b2'}, f'the result should have the keys W1, b1, w2, b2, got {set(new)}'
    assert np.allclose(new['W1'], [[3.0, 4.0], [5.0, 6.0], [1.0, 2.0]]), f"new unit i is old unit perm[i]: the rows of W1 should be [3, 4], [5, 6], [1, 2], got {new['W1'].tolist()}"
    assert np.allclose(new['b1'], [0.2, 0.3, 0.1]), f"b1 should become [0.2, 0.3, 0.1], got {new['b1']}"
    assert np.allclose(new['w2'], [20.0, 30.0, 10.0]), f"w2 should become [20, 30, 10], got {new['w2']}"
    assert np.isclose(new['b2'], 0.5), 'b2 does not belong to a hidden unit: it stays 0.5'
    assert np.allclose(params['W1'], [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) and np.allclose(params['w2'], [10, 20, 30]), 'permute_hidden must not change the params it was given'

    def forward(p, X):
        return np.tanh(X @ p['W1'].T + p['b1']) @ p['w2'] + p['b2']
    X = np.array([[0.5, -1.0], [2.0, 0.3]])
    assert np.allclose(forward(new, X), forward(params, X)), 'the reordered network should compute the same outputs'
    print('permute_hidden: public tests passed')

