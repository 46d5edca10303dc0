from otter.test_files import test_case

OK_FORMAT = False

name = "clip_by_norm"
points = 3

@test_case(points=0, hidden=False)
def test_clip_by_norm_public_examples(assert_close, clip_by_norm, np):
    g = np.array([3.0, 4.0])
    assert_close(clip_by_norm(g, 10.0), [3.0, 4.0], 'clip_by_norm([3, 4], max_norm=10) (norm 5 <= 10: unchanged)')
    assert_close(clip_by_norm(g, 1.0), [0.6, 0.8], 'clip_by_norm([3, 4], max_norm=1) (scaled by 1/5)')
    assert_close(clip_by_norm(np.zeros(2), 1.0), [0.0, 0.0], 'clip_by_norm([0, 0], max_norm=1)')
    assert np.array_equal(g, [3.0, 4.0]), f'clip_by_norm changed its input g to {g}'
    for bad in (0.0, -1.0):
        try:
            clip_by_norm(g, bad)
        except ValueError:
            pass
        else:
            raise AssertionError(f'clip_by_norm(g, max_norm={bad}) should raise ValueError')
    print('clip_by_norm: public tests passed')

