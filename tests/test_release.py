"""Is everything generated from source/ up to date, and does it say it is generated?"""
import pytest

from depthlab.paths import course_root
from depthlab.release import source_assignments, stale_files

ROOT = course_root()


@pytest.mark.slow
@pytest.mark.parametrize("assignment", source_assignments(ROOT))
def test_release_is_up_to_date_with_source(assignment):
    stale = stale_files(assignment, ROOT)
    assert not stale, f"release/{assignment} is stale ({stale}): run `depthlab release {assignment}`"


def test_every_top_level_folder_says_what_it_holds():
    for folder in ("autograder", "solutions", "source", "release", "assignments", "tests"):
        readme = ROOT / folder / "README.md"
        assert readme.exists(), f"{folder}/README.md is missing"
    assert "GENERATED" in (ROOT / "release" / "README.md").read_text()
    assert "generated" in (ROOT / "assignments" / "README.md").read_text().lower()


def test_every_source_assignment_has_checks():
    from depthlab.judge.prepare import known_assignments
    assert set(source_assignments(ROOT)) <= set(known_assignments())
