from otter.test_files import test_case

OK_FORMAT = False

name = "distinct_minima"
points = 3

@test_case(points=0, hidden=False)
def test_distinct_minima_public_examples(distinct_minima, np):
    pts = np.array([[0.0], [1.0], [0.0005], [2.0], [1.0002]])
    kept = distinct_minima(pts)
    assert np.allclose(kept, [[0.0], [1.0], [2.0]]), f'0.0005 duplicates 0 and 1.0002 duplicates 1: expected 0, 1, 2, got {np.ravel(kept)}'
    pts = np.array([[3.0], [1.0], [3.0004], [2.0], [1.0001]])
    kept = distinct_minima(pts)
    assert np.allclose(kept, [[3.0], [1.0], [2.0]]), f'keep the order of first appearance: expected 3, 1, 2, got {np.ravel(kept)}'
    kept = distinct_minima(np.array([[0.0, 0.0], [0.75, 1.0]]), tol=1.25)
    assert np.shape(kept) == (1, 2), f'points at distance exactly tol = 1.25 are near-duplicates: expected one point, got {kept}'
    kept = distinct_minima(np.array([[0.0, 0.0], [0.0008, 0.0008]]))
    assert np.shape(kept) == (2, 2), f'[0, 0] and [0.0008, 0.0008] are 0.00113 apart (Euclidean distance), more than tol = 1e-3: keep both, got {kept}'
    print('distinct_minima: public tests passed')

