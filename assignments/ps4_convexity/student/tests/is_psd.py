from otter.test_files import test_case

OK_FORMAT = False

name = "is_psd"
points = 3

@test_case(points=0, hidden=False)
def test_is_psd_public_examples(is_psd, np):
    assert is_psd(np.array([[2.0, 0.0], [0.0, 1.0]])) == True, 'diag(2, 1) has eigenvalues 2 and 1: PSD'
    assert is_psd(np.array([[1.0, 0.0], [0.0, -1.0]])) == False, 'diag(1, -1) has the eigenvalue -1: not PSD'
    assert is_psd(np.array([[0.0, 1.0], [0.0, 0.0]])) == False, 'w @ H @ w = x*y for H = [[0, 1], [0, 0]]: its symmetric part has eigenvalues +-1/2, so not PSD (the eigenvalues of H itself, 0 and 0, do not decide)'
    assert is_psd(np.array([[1.0, -3.0], [3.0, 1.0]])) == True, 'H = [[1, -3], [3, 1]] has symmetric part [[1, 0], [0, 1]]: PSD'
    assert is_psd([[1.0, 1.0], [1.0, 1.0]]) == True, '[[1, 1], [1, 1]] has eigenvalues 0 and 2: PSD (0 counts)'
    assert is_psd(np.diag([1.0, -1e-12])) == True, 'an eigenvalue of -1e-12 is above -tol = -1e-10: PSD'
    assert is_psd(np.diag([1.0, -1e-08]), tol=1e-06) == True, 'with tol=1e-6, the eigenvalue -1e-8 counts as 0'
    try:
        is_psd(np.ones((2, 3)))
    except ValueError:
        pass
    else:
        raise AssertionError('is_psd of a 2x3 matrix should raise ValueError')
    H = np.array([[1.0, 4.0], [0.0, 1.0]])
    is_psd(H)
    assert np.array_equal(H, [[1.0, 4.0], [0.0, 1.0]]), 'is_psd must not change its input'
    print('is_psd: public tests passed')

