from otter.test_files import test_case

OK_FORMAT = False

name = "contraction_factor"
points = 2

@test_case(points=0, hidden=False)
def test_contraction_factor_public_examples(contraction_factor, np):
    rho = contraction_factor(1.0, 4.0, 0.2)
    assert np.isclose(rho, 0.6), f'a=1, b=4, lr=0.2: the factors are 0.6 and -0.6, so the contraction is 0.6; got {rho}'
    rho = contraction_factor(1.0, 4.0, 0.1)
    assert np.isclose(rho, 0.8), f'a=1, b=4, lr=0.1: the factors are 0.8 and 0.2; the worse one is 0.8; got {rho}'
    rho = contraction_factor(1.0, 4.0, 0.3)
    assert np.isclose(rho, 1.4), f'a=1, b=4, lr=0.3: the factor along y is 1 - 2.4 = -1.4, and its size 1.4 is what counts; got {rho}'
    print('contraction_factor: public tests passed')

