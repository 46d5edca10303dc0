"""The ``depthlab`` command: each subcommand calls one library function."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .config import GradingConfig
from .grading import ENGINES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Release, grade and review the depthlab assignments.

    \b
    Instructors:  depthlab release; depthlab validate; depthlab grade ps2_vanishing_gradients nb.ipynb
    Run from the course directory (the repository root) or set DEPTHLAB_ROOT.
    """


def _assignment_arg(f):
    return click.argument("assignment", metavar="ASSIGNMENT")(f)


@main.command()
@_assignment_arg
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per notebook, one per line.")
@click.option("--engine", type=click.Choice(ENGINES), default="nbgrader", show_default=True,
              help="nbgrader (gradebook), otter (Gradescope autograder) or direct (depthlab's judge alone).")
@click.option("--test-timeout", type=float, help="Seconds one function's hidden cases may run (default 20).")
@click.option("--cell-timeout", type=float, help="Seconds one student cell may run (default 30).")
@click.option("--notebook-timeout", type=float, help="Seconds one notebook may take (default 600).")
@click.option("--memory-mb", type=int, help="Memory limit of the student's kernel in MiB (default 4096).")
def grade(assignment, notebooks, as_json, engine, test_timeout, cell_timeout, notebook_timeout, memory_mb):
    """Grade NOTEBOOKS of ASSIGNMENT; exit status 1 if any could not be graded."""
    from .grading import grade_notebooks
    from .judge.prepare import UnknownAssignment, load_spec
    from .report_text import result_table

    try:
        load_spec(assignment)
    except UnknownAssignment as exc:
        raise click.UsageError(str(exc))
    config = GradingConfig.from_env(test_timeout=test_timeout, cell_timeout=cell_timeout,
                                    notebook_timeout=notebook_timeout, memory_mb=memory_mb)

    def emit(result):
        if as_json:
            click.echo(json.dumps(result.to_json()))
            sys.stdout.flush()

    results = grade_notebooks(assignment, notebooks, engine=engine, config=config, on_result=emit)
    if not as_json:
        click.echo(result_table(results))
    if any(r.error for r in results):
        sys.exit(1)


@main.command()
@click.argument("assignments", nargs=-1)
def release(assignments):
    """Regenerate release/ (and the otter material) from source/."""
    from .release import release as do_release
    for path in do_release(assignments or None):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--engine", type=click.Choice(ENGINES), default="nbgrader", show_default=True)
def validate(assignments, engine):
    """Check that each source notebook earns every point and each blank release none."""
    from .release import source_assignments
    from .validate import validate as do_validate
    names = list(assignments) or source_assignments()
    problems = do_validate(names, engine=engine)
    for p in problems:
        click.echo(f"{p.assignment}: {p.what}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {', '.join(names)}: the reference earns every point, the blank release none")


if __name__ == "__main__":
    main()
