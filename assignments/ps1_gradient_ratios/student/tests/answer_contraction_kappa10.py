from otter.test_files import test_case

OK_FORMAT = False

name = "answer_contraction_kappa10"
points = 1

@test_case(points=0, hidden=False)
def test_answer_contraction_kappa10_public_examples(answer_contraction_kappa10, np):
    answer = answer_contraction_kappa10()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 0.5; got {answer!r}'
    assert 0 <= answer <= 1.7, f'the contraction factors on the plot lie between 0 and 1.7; got {answer!r}'
    print('answer_contraction_kappa10: answer recorded in the right form (whether it is right is graded when you submit)')

