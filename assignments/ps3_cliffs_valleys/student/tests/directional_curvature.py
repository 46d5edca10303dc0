from otter.test_files import test_case

OK_FORMAT = False

name = "directional_curvature"
points = 2

@test_case(points=0, hidden=False)
def test_directional_curvature_public_examples(assert_close, directional_curvature, np):
    H = np.array([[2.0, 0.0], [0.0, 8.0]])
    assert_close(directional_curvature(H, [1.0, 0.0]), 2.0, 'directional_curvature(diag(2, 8), d=[1, 0])')
    assert_close(directional_curvature(H, [0.0, 3.0]), 8.0, 'directional_curvature(diag(2, 8), d=[0, 3])')
    assert_close(directional_curvature(H, [1.0, 1.0]), 5.0, 'directional_curvature(diag(2, 8), d=[1, 1])')
    assert_close(directional_curvature(np.array([[-4.0]]), [0.5]), -4.0, 'directional_curvature([[-4]], d=[0.5])')
    print('directional_curvature: public tests passed')

