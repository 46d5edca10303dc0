from otter.test_files import test_case

OK_FORMAT = False

name = "answer_starts_in_lowest"
points = 1

@test_case(points=0, hidden=False)
def test_answer_starts_in_lowest_public_examples(answer_starts_in_lowest, np):
    answer = answer_starts_in_lowest()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 3; got {answer!r}'
    assert float(answer).is_integer() and answer >= 0 and (answer <= 23), f'a number of starts is a whole number from 0 to 23; got {answer!r}'
    print('answer_starts_in_lowest: answer recorded in the right form (whether it is right is graded when you submit)')

