"""The chapter's figures (``depthlab figures``): are they all written, as real
PNG and SVG files, indexed by section, reproducible byte for byte, and are the
committed copies in solutions/figures/ up to date?"""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from depthlab.figures import FIGURES, index_text, write_figures

COMMITTED = Path(__file__).resolve().parents[1] / "solutions" / "figures"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("figures")
    write_figures(out)
    return out


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_png_is_a_real_picture(fresh, figure):
    """Is each PNG an image of a sensible size with real content?"""
    path = fresh / f"{figure.name}.png"
    width, height = png_size(path)
    assert width >= 1000 and height >= 400, (width, height)
    assert path.stat().st_size > 50_000, "suspiciously small: an empty figure?"


@pytest.mark.parametrize("figure", FIGURES, ids=[f.name for f in FIGURES])
def test_svg_is_vector_drawing_without_dates(fresh, figure):
    """Is each SVG well-formed, full of drawn paths, and free of run-dependent stamps?"""
    path = fresh / f"{figure.name}.svg"
    text = path.read_text()
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f".//{SVG}path")) >= 50, "too few drawn paths"
    assert "<dc:date>" not in text and "Matplotlib v" not in text


def test_index_says_where_each_figure_goes(fresh):
    """Does index.md name every figure, its section and its draft marker, and link its files?"""
    index = (fresh / "index.md").read_text()
    assert index == index_text()
    for figure in FIGURES:
        assert f"## {figure.name}" in index
        assert figure.section in index and figure.marker in index
        assert f"({figure.name}.png)" in index and f"({figure.name}.svg)" in index
    assert {p.name for p in fresh.iterdir()} == {"index.md"} | {
        f"{f.name}.{ext}" for f in FIGURES for ext in ("png", "svg")
    }


def test_second_run_is_byte_identical(fresh, tmp_path):
    """Does drawing a figure again give the same bytes (fixed hash salt, no dates)?"""
    name = "chain_one_node_per_layer"
    write_figures(tmp_path, only=[name])
    for ext in ("png", "svg"):
        assert (tmp_path / f"{name}.{ext}").read_bytes() == (fresh / f"{name}.{ext}").read_bytes()


def test_committed_figures_are_up_to_date(fresh):
    """Are solutions/figures/ what the current code and reference solutions
    draw? (If not: run `depthlab figures`; a different matplotlib version
    also changes the SVGs.)"""
    stale = [
        name
        for name in ["index.md", *(f"{f.name}.svg" for f in FIGURES)]
        if not (COMMITTED / name).is_file() or (COMMITTED / name).read_bytes() != (fresh / name).read_bytes()
    ]
    assert not stale, f"solutions/figures/ is stale or incomplete ({', '.join(stale)}): run `depthlab figures`"


def test_unknown_figure_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no figure named"):
        write_figures(tmp_path, only=["the_cliff"])


def test_a_figure_follows_its_notebook(tmp_path, monkeypatch):
    """One definition, used by both: change the start of ps3's cliff experiment in the
    source notebook and the chapter's cliff figure starts there too, and marks where
    the notebook's catapulted run lands."""
    import shutil

    import nbformat
    import numpy as np

    from depthlab.figures import FIGURES, render
    from depthlab.figures.landscapes import landing
    from depthlab.figures.notebook import state

    a = "ps3_cliffs_valleys"
    repo = Path(__file__).resolve().parents[1]
    shutil.copy(repo / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    (tmp_path / "source" / a).mkdir(parents=True)
    nb = nbformat.read(str(repo / "source" / a / f"{a}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "given-cliff-figure")
    assert "cliff_start = np.array([-2.2, 0.8])" in cell.source
    cell.source = cell.source.replace("cliff_start = np.array([-2.2, 0.8])", "cliff_start = np.array([-2.6, 0.4])")
    nbformat.write(nb, str(tmp_path / "source" / a / f"{a}.ipynb"))
    monkeypatch.setenv("DEPTHLAB_ROOT", str(tmp_path))

    fig = render(next(f for f in FIGURES if f.name == "cliff"))
    titles = [ax.get_title() for ax in fig.axes]
    assert any("from (-2.6, 0.4)" in t for t in titles), titles
    runs = state(a, "given-cliff-figure", upto="given-valley-figure", root=tmp_path)["cliff_runs"]
    np.testing.assert_allclose(runs["lr = 0.05"][0], [-2.6, 0.4])
    thrown = runs["lr = 0.8"]
    k, point = landing(thrown)
    stars = [line for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "*"
             and line.get_label().startswith("landing")]
    assert stars and np.allclose([stars[0].get_xdata()[0], stars[0].get_ydata()[0]], point)
    assert f"step {k}" in stars[0].get_label()


def test_landing_is_the_point_after_the_longest_step():
    import numpy as np

    from depthlab.figures.landscapes import landing

    path = np.array([[0.0, 0.0], [0.1, 0.0], [0.2, 0.0], [5.0, 1.0], [5.1, 1.0]])
    k, point = landing(path)
    assert k == 3 and point.tolist() == [5.0, 1.0]


def test_a_cell_the_notebook_lacks_is_a_clear_error():
    from depthlab.figures.notebook import NotebookDefinitionError, state

    with pytest.raises(NotebookDefinitionError, match="has no cell 'given-nothing'"):
        state("ps3_cliffs_valleys", "given-nothing")
