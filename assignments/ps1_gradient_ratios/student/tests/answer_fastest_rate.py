from otter.test_files import test_case

OK_FORMAT = False

name = "answer_fastest_rate"
points = 1

@test_case(points=0, hidden=False)
def test_answer_fastest_rate_public_examples(answer_fastest_rate, np):
    answer = answer_fastest_rate()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 0.5; got {answer!r}'
    assert any((np.isclose(answer, r) for r in (0.1, 0.2, 0.24, 0.26))), f'answer with one of the four rates 0.1, 0.2, 0.24, 0.26; got {answer!r}'
    print('answer_fastest_rate: answer recorded in the right form (whether it is right is graded when you submit)')

