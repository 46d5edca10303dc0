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


@pytest.mark.parametrize(
    "loss, grad",
    [("cliff_loss", "cliff_grad"), ("valley_loss", "valley_grad"), ("bumpy_G", "bumpy_G_grad")],
)
def test_hand_written_gradients_match_central_differences(loss, grad):
    """Are the gradients the figures descend along those of the losses they draw?"""
    import numpy as np

    from depthlab import figures
    from solutions.ps2_vanishing_gradients import numerical_gradient

    f, g = getattr(figures, loss), getattr(figures, grad)
    for w in np.random.default_rng(0).uniform(-3, 3, size=(20, 2)):
        np.testing.assert_allclose(g(w), numerical_gradient(f, w), rtol=1e-5, atol=1e-6)


def test_valley_hessian_and_minimum():
    """Is the valley's Hessian the loss's, and its minimum where the star is drawn?"""
    import numpy as np

    from depthlab.figures import VALLEY_MINIMUM, valley_grad, valley_hess
    from solutions.ps2_vanishing_gradients import numerical_gradient

    w = np.array([0.3, -0.7])
    H = np.array([numerical_gradient(lambda v, i=i: valley_grad(v)[i], w) for i in range(2)])
    np.testing.assert_allclose(valley_hess(w), H, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(valley_grad(VALLEY_MINIMUM), 0.0, atol=1e-12)
