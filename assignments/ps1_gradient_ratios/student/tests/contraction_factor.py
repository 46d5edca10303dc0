from otter.test_files import test_case

OK_FORMAT = False

name = "contraction_factor"
points = 2

@test_case(points=0, hidden=False)
def test_contraction_factor_public_examples(bowl_grad, contraction_factor, gradient_descent, np):
    rho = contraction_factor(1.0, 4.0, 0.2)
    assert np.isclose(rho, 0.6), f'a=1, b=4, lr=0.2: one step multiplies x by 0.6 and y by -0.6, so 0.6; got {rho}'
    rho = contraction_factor(1.0, 4.0, 0.1)
    assert np.isclose(rho, 0.8), f'a=1, b=4, lr=0.1: one step multiplies x by 0.8 and y by 0.2; the worse is 0.8; got {rho}'
    rho = contraction_factor(1.0, 4.0, 0.3)
    assert np.isclose(rho, 1.4), f'a=1, b=4, lr=0.3: one step multiplies y by -1.4 (it jumps across and grows), and its size 1.4 counts; got {rho}'
    for a, b, lr in [(1.0, 4.0, 0.15), (2.0, 0.5, 0.3), (3.0, 1.0, 0.45)]:
        rho = contraction_factor(a, b, lr)
        shrinks = []
        for angle in np.linspace(0.0, np.pi, 181):
            start = np.array([np.cos(angle), np.sin(angle)])
            step = gradient_descent(lambda w: bowl_grad(w, a, b), start, lr, 1)[1]
            shrinks.append(np.linalg.norm(step) / np.linalg.norm(start))
        assert np.isclose(rho, max(shrinks)), f'a={a}, b={b}, lr={lr}: the largest shrink measured over starts on the unit circle is {max(shrinks):.4g}, got {rho}'
    print('contraction_factor: public tests passed')

