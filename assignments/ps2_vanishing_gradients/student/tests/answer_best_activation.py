from otter.test_files import test_case

OK_FORMAT = False

name = "answer_best_activation"
points = 1

@test_case(points=0, hidden=False)
def test_answer_best_activation_public_examples(answer_best_activation):
    answer = answer_best_activation()
    assert isinstance(answer, str) and answer.strip().strip('().').strip().lower() in ('a', 'b', 'c'), f'return one of the letters "a", "b", "c" as a string, e.g. return "a"; got {answer!r}'
    print('answer_best_activation: answer recorded in the right form (whether it is right is graded when you submit)')

