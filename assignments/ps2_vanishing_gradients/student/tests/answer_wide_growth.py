from otter.test_files import test_case

OK_FORMAT = False

name = "answer_wide_growth"
points = 1

@test_case(points=0, hidden=False)
def test_answer_wide_growth_public_examples(answer_wide_growth, np):
    answer = answer_wide_growth()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 0.5; got {answer!r}'
    assert any((np.isclose(answer, s) for s in (1, 4, 8, 16, 32))), f'answer with one of the five scales 1, 4, 8, 16, 32; got {answer!r}'
    print('answer_wide_growth: answer recorded in the right form (whether it is right is graded when you submit)')

