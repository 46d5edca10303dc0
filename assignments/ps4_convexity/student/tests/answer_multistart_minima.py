from otter.test_files import test_case

OK_FORMAT = False

name = "answer_multistart_minima"
points = 1

@test_case(points=0, hidden=False)
def test_answer_multistart_minima_public_examples(answer_multistart_minima, np):
    answer = answer_multistart_minima()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 3; got {answer!r}'
    assert float(answer).is_integer() and answer >= 0, f'a number of minima is a whole number >= 0; got {answer!r}'
    print('answer_multistart_minima: answer recorded in the right form (whether it is right is graded when you submit)')

