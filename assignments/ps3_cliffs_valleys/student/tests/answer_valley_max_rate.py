from otter.test_files import test_case

OK_FORMAT = False

name = "answer_valley_max_rate"
points = 1

@test_case(points=0, hidden=False)
def test_answer_valley_max_rate_public_examples(answer_valley_max_rate, np):
    answer = answer_valley_max_rate()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 0.5; got {answer!r}'
    assert answer > 0, f'a learning rate is a positive number; got {answer!r}'
    print('answer_valley_max_rate: answer recorded in the right form (whether it is right is graded when you submit)')

