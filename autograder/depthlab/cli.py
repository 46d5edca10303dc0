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


def _isolation_option(f):
    return click.option(
        "--isolation", type=click.Choice(("auto", "namespace", "landlock", "none")), default=None,
        help="How the student's kernel is isolated (default $DEPTHLAB_ISOLATION or auto: the strongest level "
             "this machine gives, refusing when none is safe). `depthlab doctor` says which you get.")(f)


def _student_option(what: str):
    """``--student ID`` (repeatable): only those students, everyone else's results kept as
    they are.  Shared by ``autograde``, ``feedback`` (and any per-student command, e.g. ``export``)."""
    return click.option("--student", "students", multiple=True, metavar="ID",
                        help=f"Only this student ({what}); repeat for several. Default: the whole class.")


def _isolation_level(config: GradingConfig) -> str:
    """The level grading will use, or a clear refusal (exit status 1) when none is safe."""
    from .judge.sandbox import IsolationUnavailable, isolation_mode
    try:
        level = isolation_mode(config.isolation)
    except (IsolationUnavailable, ValueError) as exc:
        raise click.ClickException(str(exc))
    if level == "none":
        click.echo("warning: --isolation none: student code can read every file you can, the reference "
                   "included", err=True)
    return level


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
@_isolation_option
def grade(assignment, notebooks, as_json, engine, test_timeout, cell_timeout, notebook_timeout, memory_mb,
          isolation):
    """Grade NOTEBOOKS of ASSIGNMENT; exit status 1 if any could not be graded."""
    from .grading import grade_notebooks
    from .judge.prepare import UnknownAssignment, load_spec
    from .paths import course_root
    from .report_text import result_table

    root = course_root()
    try:
        load_spec(assignment, root)
    except UnknownAssignment as exc:
        raise click.UsageError(str(exc))
    config = GradingConfig.from_env(test_timeout=test_timeout, cell_timeout=cell_timeout,
                                    notebook_timeout=notebook_timeout, memory_mb=memory_mb, isolation=isolation)
    level = _isolation_level(config)

    def emit(result):
        if as_json:
            click.echo(json.dumps(result.to_json()))
            sys.stdout.flush()

    results = grade_notebooks(assignment, notebooks, engine=engine, config=config, on_result=emit, root=root)
    if not as_json:
        click.echo(result_table(results))
        click.echo(f"student code ran isolated by: {level}")
    if any(r.error for r in results):
        sys.exit(1)


@main.command()
@click.argument("assignments", nargs=-1)
def release(assignments):
    """Regenerate release/ (and the otter material) from source/."""
    from .paths import course_root
    from .release import release as do_release
    for path in do_release(assignments or None, root=course_root()):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--engine", type=click.Choice(ENGINES), default="nbgrader", show_default=True)
def validate(assignments, engine):
    """Check that each source notebook earns every point and each blank release none."""
    from .paths import course_root
    from .release import source_assignments
    from .validate import validate as do_validate
    root = course_root()
    names = list(assignments) or source_assignments(root)
    problems = do_validate(names, engine=engine, root=root)
    for p in problems:
        click.echo(f"{p.assignment}: {p.what}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"ok: {', '.join(names)}: the reference earns every point, the blank release none")


@main.command()
@_assignment_arg
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--engine", type=click.Choice(("nbgrader", "otter", "direct")), default="nbgrader", show_default=True,
              help="nbgrader (writes the gradebook and autograded/), otter, or direct (depthlab's judge alone).")
@click.option("--jobs", type=int, default=0, help="Notebooks graded at once (default: one per core).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Where grades.csv goes (default reports/ASSIGNMENT/grades.csv).")
@click.option("--force", is_flag=True, help="Regrade students whose stored result is still valid.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--wait", is_flag=True, help="If another autograde of this course is running, wait for it to finish "
                                           "(default: refuse, exit status 75).")
@_student_option("grade a late submission without regrading the class")
@click.option("--scheduler", metavar="ADDRESS",
              help="Grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), or `local` "
                   "(a LocalCluster of --jobs workers). Needs `pip install depthlab[cluster]`.")
@_isolation_option
def autograde(assignment, source, engine, jobs, csv_path, force, quiet, wait, students, scheduler, isolation):
    """Grade a whole class of ASSIGNMENT, in parallel, resuming where a killed run stopped.

    SOURCE: the nbgrader submitted/ folder (default), a folder of notebooks, or an
    LMS/Gradescope zip (the student id comes from each file name).
    """
    from .classgrade.run import BatchInterrupted, autograde as run
    from .courselock import EXIT_BUSY, CourseBusy
    from .report import report
    config = GradingConfig.from_env(isolation=isolation)
    _isolation_level(config)
    try:
        summary = run(assignment, source, engine=engine, jobs=jobs, csv_path=csv_path, force=force, progress=not quiet,
                      wait=wait, config=config, students=students or None, scheduler=scheduler)
    except BatchInterrupted as exc:
        s = exc.summary
        click.echo(f"interrupted: {len(s.graded)} graded in this run and stored; run the same command to grade the rest",
                   err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted (while waiting or preparing); run the same command again", err=True)
        sys.exit(130)
    except CourseBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    except (FileNotFoundError, ValueError, RuntimeError, ImportError) as exc:
        raise click.ClickException(str(exc))
    _, table = report(assignment)
    click.echo(table)     # with the scores this regrade changed, when it changed some
    click.echo(f"{len(summary.graded)} graded, {len(summary.skipped)} kept from earlier runs, "
               f"{len(summary.changes)} scores changed, {summary.seconds:.1f} s; wrote {summary.csv_path}")


@main.command()
@_assignment_arg
@click.option("--out", type=click.Path(path_type=Path), help="Folder for the pages (default feedback/).")
@_student_option("its page only")
def feedback(assignment, out, students):
    """One HTML feedback page per graded student (no hidden tests, no reference code)."""
    from .feedback import feedback as write
    try:
        paths = write(assignment, out=out, students=students or None)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"wrote {len(paths)} feedback pages" + (f" under {paths[0].parents[2]}" if paths else ""))


@main.command()
@_assignment_arg
@click.option("--out", type=click.Path(path_type=Path), help="The HTML file (default reports/ASSIGNMENT/report.html).")
def report(assignment, out):
    """The TA report of a graded class: HTML (plots embedded) and a table here."""
    from .report import report as write
    path, table = write(assignment, out=out)
    click.echo(table)
    click.echo(f"wrote {path}")


@main.command()
@click.argument("assignments", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(("canvas", "moodle", "nbgrader", "csv")), default="csv",
              show_default=True, help="canvas/moodle: the roster with the assignments' columns filled; nbgrader: "
                                      "nbgrader's own export; csv: how each grade is made up.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The gradebook CSV exported from the LMS (needed for canvas and moodle).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
def export(assignments, fmt, roster, out):
    """Final grades (auto-graded points + the TA's scores - late penalty) of ASSIGNMENTS for the LMS.

    Students missing from the roster, and roster students without a submission,
    are listed here and in OUT.summary.txt, never dropped or invented.
    """
    from .config import CourseConfigError
    from .lms.export import export as run
    from .lms.roster import RosterError
    from .paths import course_root
    try:
        summary = run(assignments, fmt, out, roster=roster, root=course_root())
    except (RosterError, CourseConfigError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc))
    for line in summary.problems:
        click.echo(f"warning: {line}", err=True)
    click.echo(summary.text())


@main.command()
@click.option("--students", type=int, default=30, show_default=True, help="Students per assignment.")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default demo-output/).")
@click.option("--jobs", type=int, default=0, help="Notebooks graded at once (default: one per core).")
def demo(students, out, jobs):
    """Release, generate a class for every assignment, grade it, and write grades and reports."""
    from .classgrade.demo import demo as run
    try:
        run(out=out, students=students, jobs=jobs, echo=click.echo)
    except (FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc))


@main.command()
@click.argument("notebook_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=int, default=None, help="Port (default: 8888 or the next free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
def lab(notebook_dir, port, no_browser):
    """Open the student notebooks (default: release/) in JupyterLab, with nbgrader's Validate button."""
    from .lab import LabError, run_lab
    try:
        sys.exit(run_lab(notebook_dir, port=port, open_browser=not no_browser))
    except LabError as exc:
        raise click.ClickException(str(exc))


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder (default: solutions/figures/).")
def figures(out):
    """Draw the chapter's missing figures with the reference solutions (PNG, SVG, index.md)."""
    from .figures import write_figures
    from .paths import course_root
    for p in write_figures(out or course_root() / "solutions" / "figures"):
        click.echo(p)


if __name__ == "__main__":
    main()


@main.command()
@click.option("--isolation", type=click.Choice(("auto", "namespace", "landlock", "none")), default=None,
              help="The level to check (default $DEPTHLAB_ISOLATION or auto).")
@click.option("--json", "as_json", is_flag=True, help="The diagnosis as JSON.")
def doctor(isolation, as_json):
    """Which isolation student code gets on this machine, why, and what it can read.

    Exit status 0 when grading can run safely here, 1 when it would refuse.
    """
    from .judge.sandbox import LEVEL_SUMMARY, diagnose
    d = diagnose(isolation)
    if as_json:
        click.echo(json.dumps(d.to_json(), indent=1))
        sys.exit(0 if d.level else 1)
    click.echo(f"user: {d.user}{' (root)' if d.root else ''}; kernel Python: {d.python}")
    click.echo(f"namespaces: {'yes' if d.namespace[0] else 'no'} ({d.namespace[1]})")
    click.echo(f"Landlock:   {'yes, ABI ' + str(d.landlock[2]) if d.landlock[0] else 'no'}"
               f"{'' if d.landlock[0] else ' (' + d.landlock[1] + ')'}")
    if d.level:
        click.echo(f"\nstudent code will run isolated by: {d.level}\n  {LEVEL_SUMMARY[d.level]}")
        if d.level != "none":
            click.echo("  it can read (read-only):")
            for path in sorted(d.view.read):
                click.echo(f"    {path}")
            click.echo("  taken out of that view (grading code, reference, install records):")
            for path in d.view.masked or ("(none installed there)",):
                click.echo(f"    {path}")
            click.echo("  it can write: its own scratch folder (and a private /tmp at the namespace level)")
    else:
        click.echo(f"\ngrading would refuse: {d.error}")
    for note in d.notes:
        click.echo(f"note: {note}")
    sys.exit(0 if d.level else 1)
