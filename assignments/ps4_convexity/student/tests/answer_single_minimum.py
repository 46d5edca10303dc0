from otter.test_files import test_case

OK_FORMAT = False

name = "answer_single_minimum"
points = 1

@test_case(points=0, hidden=False)
def test_answer_single_minimum_public_examples(answer_single_minimum):
    answer = answer_single_minimum()
    assert isinstance(answer, str) and answer.strip().strip('().').strip().lower() in ('a', 'b', 'c', 'd'), f'return one of the letters "a", "b", "c", "d" as a string, e.g. return "a"; got {answer!r}'
    print('answer_single_minimum: answer recorded in the right form (whether it is right is graded when you submit)')

