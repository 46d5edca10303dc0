from otter.test_files import test_case

OK_FORMAT = False

name = "gd_clipped"
points = 3

@test_case(points=0, hidden=False)
def test_gd_clipped_public_examples(assert_close, gd_clipped, np):

    def grad_half_square(w):
        return np.asarray(w, dtype=float)
    assert_close(gd_clipped(grad_half_square, [3.0, 4.0], 0.5, 2, 1.0), [[3.0, 4.0], [2.7, 3.6], [2.4, 3.2]], 'gd_clipped(grad(w) = w, w0=[3, 4], lr=0.5, 2 steps, max_norm=1)')
    assert_close(gd_clipped(grad_half_square, [3.0, 4.0], 0.5, 2, 100.0), [[3.0, 4.0], [1.5, 2.0], [0.75, 1.0]], 'gd_clipped(grad(w) = w, w0=[3, 4], lr=0.5, 2 steps, max_norm=100)')
    assert_close(gd_clipped(grad_half_square, [3, 4], 0.5, 0, 1.0), [[3.0, 4.0]], 'gd_clipped(grad(w) = w, w0=[3, 4] as integers, 0 steps)')
    print('gd_clipped: public tests passed')

