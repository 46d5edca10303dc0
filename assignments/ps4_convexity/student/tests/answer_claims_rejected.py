from otter.test_files import test_case

OK_FORMAT = False

name = "answer_claims_rejected"
points = 1

@test_case(points=0, hidden=False)
def test_answer_claims_rejected_public_examples(answer_claims_rejected, np):
    answer = answer_claims_rejected()
    assert isinstance(answer, (int, float, np.integer, np.floating)) and (not isinstance(answer, bool)) and np.isfinite(answer), f'return a number, e.g. return 3; got {answer!r}'
    assert float(answer).is_integer() and answer >= 0 and (answer <= 6), f'a count of the six functions is a whole number from 0 to 6; got {answer!r}'
    print('answer_claims_rejected: answer recorded in the right form (whether it is right is graded when you submit)')

