from otter.test_files import test_case

OK_FORMAT = False

name = "answer_tanh_factor"
points = 1

@test_case(points=0, hidden=False)
def test_answer_tanh_factor_public_examples(answer_tanh_factor, np):
    answer = answer_tanh_factor()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 0.5; got {answer!r}'
    assert answer >= 0, f'a factor of |dL/dh| is not negative; got {answer!r}'
    print('answer_tanh_factor: answer recorded in the right form (whether it is right is graded when you submit)')

