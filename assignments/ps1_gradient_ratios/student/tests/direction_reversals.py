from otter.test_files import test_case

OK_FORMAT = False

name = "direction_reversals"
points = 3

@test_case(points=0, hidden=False)
def test_direction_reversals_public_examples(direction_reversals, np):
    square_wave = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    n = direction_reversals(square_wave, 0)
    assert n == 2, f'x goes 0, 1, 0, 1: the steps +1, -1, +1 reverse twice; got {n}'
    n = direction_reversals(square_wave, 1)
    assert n == 0, f'y never moves: steps of zero are not reversals; got {n}'
    crossing = np.array([[-2.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    n = direction_reversals(crossing, 0)
    assert n == 0, f'x goes -2, -1, 1, 2: it crosses zero but every step is positive, so no reversal; got {n}'
    zigzag = np.array([[2.0 * 0.6 ** k, (-0.6) ** k] for k in range(9)])
    n = direction_reversals(zigzag, 1)
    assert n == 7, f'y flips sign every step: 8 steps along y reverse 7 times; got {n}'
    n = direction_reversals(zigzag, 0)
    assert n == 0, f'x shrinks steadily towards 0: no reversal; got {n}'
    paused = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [0.0, 1.0], [1.0, 0.0]])
    n = direction_reversals(paused, 0)
    assert n == 0, f'x goes 0, 1, 1, 0, 0, 1: the steps are +1, 0, -1, 0, +1; every turn has a pause, and a +, 0, - turn counts as none; got {n}'
    print('direction_reversals: public tests passed')

