from otter.test_files import test_case

OK_FORMAT = False

name = "loss_along_path"
points = 2

@test_case(points=0, hidden=False)
def test_loss_along_path_public_examples(assert_close, loss_along_path, np):

    def half_square(w):
        return 0.5 * np.sum(np.asarray(w, dtype=float) ** 2, axis=-1)

    def half_square_one_point(w):
        w = np.asarray(w, dtype=float)
        if w.ndim != 1:
            raise ValueError(f'this loss takes one point of shape (d,), got an array of shape {w.shape}')
        return 0.5 * float(w @ w)
    path = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.0]])
    assert_close(loss_along_path(half_square, path), [0.0, 0.5, 2.5], 'loss_along_path(|w|**2 / 2, 3 points)')
    assert_close(loss_along_path(half_square_one_point, path), [0.0, 0.5, 2.5], 'loss_along_path(a loss that takes one point at a time, 3 points)')
    assert_close(loss_along_path(half_square_one_point, [[3, 4]]), [12.5], 'loss_along_path(path=[[3, 4]], one point)')
    print('loss_along_path: public tests passed')

