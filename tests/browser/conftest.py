"""A real JupyterLab in headless chromium, for the student's-eye tests.

One JupyterLab server per session (``lab``) serves a temporary folder holding
copies of the release notebooks; each test gets a fresh browser page
(``page``) and drives JupyterLab through ``window.jupyterapp`` (the server
runs with ``expose_app_in_browser``). The helpers below are the whole
vocabulary the tests use: open a notebook, run its cells, read its cells,
press Validate, and fill in the reference answers.

The notebooks are those of the course at ``depthlab.paths.course_root()``
(``$DEPTHLAB_ROOT`` points the tests at another course folder, e.g. a scratch
release). Needs Debian's chromium at /usr/bin/chromium
(``scripts/install-browser.sh``); Playwright's Python package drives it
through ``executable_path`` (never run ``playwright install``). Screenshots
go to ``test-artifacts/browser/``.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
import shutil
import types
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from depthlab.lab import lab_server
from depthlab.judge.prepare import known_assignments
from depthlab.paths import course_root, release_notebook

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: Milliseconds a page waits for JupyterLab, a kernel or a cell by default.
TIMEOUT_MS = 120_000
#: Code that draws: pyplot, or a plotting function of the assignment
#: (``plot_descent``, ``plot_paths``, ...). See :attr:`Cell.draws`.
DRAWS = re.compile(r"\bplt\.(show|subplots|subplot|figure|plot|imshow)\(|\bplot_\w+\(")


# --------------------------------------------------------------------------
# Which notebooks


def release_notebooks() -> list[Path]:
    """``release/<a>/<a>.ipynb`` of every registered assignment (a missing one fails its test)."""
    return [release_notebook(a) for a in known_assignments()]


def reference_module(assignment: str) -> types.ModuleType:
    """The reference solution of ``assignment``: the module its checks name,
    else ``solutions.<assignment>``."""
    try:
        from depthlab.judge.prepare import load_spec

        name = load_spec(assignment).reference_module
    except Exception:  # no checks for it (yet): the naming convention
        name = f"solutions.{assignment}"
    return importlib.import_module(name)


# --------------------------------------------------------------------------
# Filling in the reference answers

SOLUTION_PREFIX = "solution_"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def solution_functions(nb) -> dict[str, int]:
    """``{function name: cell index}`` of the code solution cells, read from
    their ``grade_id`` ``solution_<function>``."""
    found = {}
    for i, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        if cell.cell_type == "code" and meta.get("solution") and gid.startswith(SOLUTION_PREFIX):
            found[gid[len(SOLUTION_PREFIX):]] = i
    return found


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def reference_cell_source(module: types.ModuleType, name: str, notebook_functions: set[str]) -> str:
    """Source of the reference ``module.name`` as one self-contained cell: the
    imports and module-level helpers it uses (not the functions the notebook's
    other solution cells define), then the function itself, from
    ``inspect.getsource``."""
    fn = getattr(module, name, None)
    if not inspect.isfunction(fn):
        raise LookupError(f"{module.__name__} has no function {name!r} for the solution cell solution_{name}")
    imports: list[str] = []
    helpers: list[str] = []
    seen: set[str] = {name}

    def visit(f: types.FunctionType) -> None:
        for n in sorted(_global_names(f.__code__)):
            if n in seen or n in notebook_functions or n not in vars(module):
                continue
            seen.add(n)
            obj = vars(module)[n]
            if inspect.ismodule(obj):
                imports.append(f"import {obj.__name__}" + (f" as {n}" if obj.__name__ != n else ""))
            elif inspect.isfunction(obj) and obj.__module__ == module.__name__:
                visit(obj)
                helpers.append(inspect.getsource(obj))
            elif inspect.isfunction(obj) or inspect.isclass(obj):
                alias = f" as {n}" if obj.__name__ != n else ""
                imports.append(f"from {obj.__module__} import {obj.__name__}{alias}")
            elif isinstance(obj, (bool, int, float, str, tuple, frozenset)):
                helpers.append(f"{n} = {obj!r}\n")
            else:
                raise LookupError(
                    f"{module.__name__}.{name} uses {n!r} ({type(obj).__name__}), which cannot be copied into a cell"
                )

    visit(fn)
    return "\n".join([*imports, *(["\n"] if imports else []), *helpers, inspect.getsource(fn)]).strip() + "\n"


def fill_reference(nb, module: types.ModuleType, source_nb=None):
    """A copy of the release notebook ``nb`` whose code solution cells hold the
    reference functions of ``module``, and whose written answers (markdown
    solution cells) hold the model answers of the source notebook
    ``source_nb`` (left as released when it is None)."""
    filled = copy.deepcopy(nb)
    functions = solution_functions(filled)
    if not functions:
        raise LookupError("the notebook has no solution cells with grade_id solution_<function>")
    for name, index in functions.items():
        filled.cells[index].source = reference_cell_source(module, name, set(functions))
    if source_nb is not None:
        answers = {
            nbgrader_meta(c)["grade_id"]: c.source
            for c in source_nb.cells
            if c.cell_type == "markdown" and nbgrader_meta(c).get("solution")
        }
        for cell in filled.cells:
            gid = nbgrader_meta(cell).get("grade_id")
            if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution"):
                if gid not in answers:
                    raise LookupError(f"written answer {gid} is not in the source notebook")
                cell.source = answers[gid]
    return filled


# --------------------------------------------------------------------------
# The browser side: JavaScript helpers installed into every page

HELPERS_JS = r"""
window.depthlab = {
  panel(path) {
    const app = window.jupyterapp;
    if (!app) return null;
    for (const w of app.shell.widgets('main')) {
      if (w?.context?.path === path) return w;
    }
    return null;
  },
  ready(path) {
    const p = window.depthlab.panel(path);
    const kernel = p?.sessionContext?.session?.kernel;
    return !!(p?.context?.isReady && p?.content?.widgets?.length && kernel && kernel.status === 'idle');
  },
  idle(path) {
    const p = window.depthlab.panel(path);
    return p?.sessionContext?.session?.kernel?.status === 'idle';
  },
  async runAll(path) {
    const app = window.jupyterapp, p = window.depthlab.panel(path);
    app.shell.activateById(p.id);
    return await app.commands.execute('notebook:run-all-cells');
  },
  async runEach(path) {
    const app = window.jupyterapp, p = window.depthlab.panel(path), nb = p.content;
    app.shell.activateById(p.id);
    const ok = [];
    for (let i = 0; i < nb.widgets.length; i++) {
      if (nb.widgets[i].model.type !== 'code') continue;
      nb.activeCellIndex = i;
      nb.deselectAll();
      ok.push(await app.commands.execute('notebook:run-cell'));
    }
    return ok;
  },
  cells(path) {
    const p = window.depthlab.panel(path);
    return p.content.widgets.map((cell, i) => {
      cell.node.dataset.depthlabCell = String(i);
      const m = cell.model;
      const info = {
        index: i, type: m.type, source: m.sharedModel.getSource(),
        nbgrader: m.getMetadata('nbgrader') ?? null, tags: m.getMetadata('tags') ?? [],
      };
      if (m.type === 'code') {
        info.execution_count = m.executionCount ?? null;
        info.outputs = m.outputs.toJSON().map(o => ({
          output_type: o.output_type, name: o.name ?? null, ename: o.ename ?? null,
          evalue: o.evalue ?? null, mime: Object.keys(o.data ?? {}),
          text: Array.isArray(o.text) ? o.text.join('') : (o.text ?? null),
        }));
        const area = cell.node.querySelector('.jp-OutputArea');
        info.output_text = area ? area.innerText : '';
        info.images = [...cell.node.querySelectorAll('.jp-OutputArea-output img')].map(im => ({
          loaded: im.complete && im.naturalWidth > 0, width: im.naturalWidth, height: im.naturalHeight,
        }));
      }
      return info;
    });
  },
  imagesLoaded(path) {
    const p = window.depthlab.panel(path);
    return [...p.node.querySelectorAll('.jp-OutputArea-output img')].every(im => im.complete && im.naturalWidth > 0);
  },
  async shutdownKernels() {
    await window.jupyterapp?.serviceManager?.sessions?.shutdownAll();
  },
};
"""


@dataclass
class Lab:
    """The session's JupyterLab: its address, token and served folder."""

    url: str
    token: str
    root: Path

    def notebook_url(self, relpath: str) -> str:
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"

    def start_session(self, relpath: str, kernel: str = "python3") -> dict:
        """Start the notebook's kernel through the REST API (``POST
        /api/sessions``), as JupyterLab would on opening it; JupyterLab then
        attaches to this session instead of starting its own. Returns the
        session model."""
        body = json.dumps({"path": relpath, "name": Path(relpath).name, "type": "notebook",
                           "kernel": {"name": kernel}}).encode()
        request = urllib.request.Request(
            f"{self.url}/api/sessions", data=body, method="POST",
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_MS / 1000) as resp:
            return json.load(resp)


@dataclass
class Cell:
    """One cell as the browser shows it after running (outputs summarised)."""

    index: int
    type: str
    source: str
    nbgrader: dict
    tags: list
    execution_count: int | None = None
    outputs: list | None = None
    output_text: str = ""
    images: list | None = None

    @property
    def grade_id(self) -> str:
        return (self.nbgrader or {}).get("grade_id", f"cell {self.index}")

    @property
    def is_test(self) -> bool:
        return self.type == "code" and bool((self.nbgrader or {}).get("grade"))

    @property
    def is_given(self) -> bool:
        nb = self.nbgrader or {}
        return self.type == "code" and nb.get("locked", False) and not nb.get("grade") and not nb.get("solution")

    @property
    def errors(self) -> list[dict]:
        return [o for o in self.outputs or [] if o["output_type"] == "error"]

    @property
    def stderr(self) -> str:
        streams = [o for o in self.outputs or [] if o["output_type"] == "stream" and o["name"] == "stderr"]
        return "".join(o["text"] or "" for o in streams)

    @property
    def png_outputs(self) -> int:
        return sum("image/png" in o["mime"] for o in self.outputs or [])

    @property
    def draws(self) -> bool:
        """A given (locked, non-setup) cell whose code draws a figure."""
        return self.is_given and "setup" not in self.tags and bool(DRAWS.search(self.source))


class NotebookPage:
    """One notebook open in JupyterLab in one browser page."""

    def __init__(self, page, lab: Lab, relpath: str):
        self.page, self.lab, self.path = page, lab, relpath

    def open(self, start_kernel_first: bool = False) -> "NotebookPage":
        """Open the notebook with a fresh workspace; wait for its kernel to be
        idle. ``start_kernel_first`` starts the kernel (:meth:`Lab.start_session`)
        before loading the page, so that it boots while JupyterLab loads."""
        if start_kernel_first:
            self.lab.start_session(self.path)
        self.page.goto(self.lab.notebook_url(self.path))
        self.page.wait_for_function("p => window.depthlab.ready(p)", arg=self.path, timeout=TIMEOUT_MS, polling=250)
        return self

    def wait_idle(self) -> None:
        self.page.wait_for_function("p => window.depthlab.idle(p)", arg=self.path, timeout=TIMEOUT_MS, polling=200)

    def run_all(self) -> bool:
        """Run > Run All Cells; False when a cell raised (later cells then stay unrun)."""
        ok = self.page.evaluate("p => window.depthlab.runAll(p)", self.path)
        self.wait_idle()
        return ok

    def run_each(self) -> list[bool]:
        """Run every code cell on its own, top to bottom (Shift-Enter on each),
        so that an error does not stop the cells after it."""
        ok = self.page.evaluate("p => window.depthlab.runEach(p)", self.path)
        self.wait_idle()
        return ok

    def cells(self) -> list[Cell]:
        self.page.wait_for_function("p => window.depthlab.imagesLoaded(p)", arg=self.path, timeout=TIMEOUT_MS)
        return [Cell(**c) for c in self.page.evaluate("p => window.depthlab.cells(p)", self.path)]

    def panel_selector(self) -> str:
        panel_id = self.page.evaluate("p => window.depthlab.panel(p).id", self.path)
        return f'[id="{panel_id}"]'

    def validate(self) -> tuple[str, str]:
        """Press nbgrader's Validate button; return the dialog's title and text
        and close it."""
        self.page.locator(f"{self.panel_selector()} .validate-button").click()
        dialog = self.page.locator(".jp-Dialog").filter(has_text=re.compile("Validat"))
        dialog.wait_for(state="visible", timeout=TIMEOUT_MS)
        title = dialog.locator(".jp-Dialog-header").inner_text().strip()
        body = dialog.locator(".jp-Dialog-body").inner_text().strip()
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")
        return title, body

    def screenshot_images(self, cell: Cell, folder: Path, stem: str) -> list[Path]:
        """Screenshot each image output of ``cell`` as ``<stem>_<k>.png``."""
        folder.mkdir(parents=True, exist_ok=True)
        images = self.page.locator(f'[data-depthlab-cell="{cell.index}"] .jp-OutputArea-output img')
        paths = []
        for k in range(images.count()):
            path = folder / f"{stem}_{k}.png"
            image = images.nth(k)
            # Scroll it to the middle first and let the layout settle: a
            # screenshot that has to scroll a long way catches the notebook
            # mid-scroll and comes out shifted.
            image.evaluate(
                "el => new Promise(done => { el.scrollIntoView({block: 'center'});"
                " requestAnimationFrame(() => requestAnimationFrame(done)); })"
            )
            image.screenshot(path=str(path))
            paths.append(path)
        return paths

    def screenshot_output(self, cell: Cell, path: Path) -> Path:
        """Screenshot the output area of ``cell`` (what the student reads
        under it) to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        area = self.page.locator(f'[data-depthlab-cell="{cell.index}"] .jp-OutputArea')
        area.evaluate(
            "el => new Promise(done => { el.scrollIntoView({block: 'center'});"
            " requestAnimationFrame(() => requestAnimationFrame(done)); })"
        )
        area.screenshot(path=str(path))
        return path


# --------------------------------------------------------------------------
# Fixtures


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: run scripts/install-browser.sh (as root), "
            "or leave these tests out with -m 'not browser'",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """One JupyterLab for the session, serving a temporary folder; tests copy
    the notebooks they open into ``lab.root``."""
    root = tmp_path_factory.mktemp("lab-root")
    log = tmp_path_factory.getbasetemp() / "jupyterlab.log"
    with lab_server(root, log_path=log) as (url, token):
        yield Lab(url, token, root)


@pytest.fixture
def page(browser, request):
    """A fresh browser page (its own cookies and storage) with the helpers
    installed; on failure its screenshot goes to test-artifacts/browser/failures/."""
    shots = ARTIFACTS / "failures"
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for stale in shots.glob(f"{name}.*"):
        stale.unlink()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(HELPERS_JS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    try:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            if errors:
                (shots / f"{name}.pageerrors.txt").write_text("\n".join(errors))
        # free the CPU for the next test (the server's end kills any left over)
        page.evaluate("() => window.depthlab?.shutdownKernels()")
    except Exception as exc:  # a broken page must not hide the test's own result
        print(f"browser teardown of {name}: {exc}")
    finally:
        context.close()


def pytest_generate_tests(metafunc):
    """``release_nb``: every release notebook of the course, one test each."""
    if "release_nb" in metafunc.fixturenames:
        notebooks = release_notebooks()
        metafunc.parametrize("release_nb", notebooks, ids=[p.parent.name for p in notebooks])


@pytest.fixture
def artifacts() -> Path:
    """``test-artifacts/browser/`` (git-ignored): screenshots worth keeping."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_notebook(page, lab):
    """``open_notebook(path, **options)``: open ``lab.root / path`` in the page
    and wait for its kernel (options: :meth:`NotebookPage.open`'s); returns a
    :class:`NotebookPage`."""

    def open_(path: Path, **options) -> NotebookPage:
        return NotebookPage(page, lab, Path(path).relative_to(lab.root).as_posix()).open(**options)

    return open_


@pytest.fixture
def blank_notebook(lab, release_nb) -> Path:
    """A copy of the release notebook as handed out, under ``lab.root``."""
    return copy_assignment(release_nb, lab.root / "blank" / release_nb.parent.name)


@pytest.fixture
def reference_notebook(lab, release_nb) -> Path:
    """A copy of the release notebook with the reference answers filled in
    (functions from the reference module, written answers from the source
    notebook), under ``lab.root``."""
    folder = copy_assignment(release_nb, lab.root / "reference" / release_nb.parent.name).parent
    assignment = release_nb.parent.name
    source = course_root() / "source" / assignment / release_nb.name
    filled = fill_reference(
        nbformat.read(str(release_nb), as_version=4),
        reference_module(assignment),
        nbformat.read(str(source), as_version=4),
    )
    return write_notebook(filled, folder / release_nb.name)


@pytest.fixture
def fill_in_reference():
    """``fill_in_reference(notebook, assignment)``: overwrite ``notebook`` (a
    copy) with the reference answers of ``assignment`` filled in, as
    :func:`reference_notebook` does for the release; returns its path."""

    def fill(notebook: Path, assignment: str) -> Path:
        source = course_root() / "source" / assignment / f"{assignment}.ipynb"
        filled = fill_reference(
            nbformat.read(str(notebook), as_version=4),
            reference_module(assignment),
            nbformat.read(str(source), as_version=4),
        )
        return write_notebook(filled, notebook)

    return fill


def copy_assignment(release_nb: Path, dest: Path) -> Path:
    """Copy the release folder of ``release_nb`` (notebook and any files it
    reads) to ``dest``; return the copied notebook."""
    shutil.copytree(release_nb.parent, dest, dirs_exist_ok=True)
    return dest / release_nb.name


def write_notebook(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
