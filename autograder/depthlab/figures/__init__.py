"""The chapter's figures, drawn from the notebooks' own definitions and the reference solutions.

The chapter draft marks six places **INSERT FIGURE** / **FIND A FIGURE** (and
cites a "Figure 4.7 (a)/(b)" it does not have). :func:`write_figures` draws one
figure for each, and two the draft lacks (repeated Jacobians, convex and
non-convex compositions), with the functions of ``solutions/`` (the same ones
the students write).  A figure showing a notebook's experiment takes the loss,
start and rates from the notebook itself (:mod:`.notebook`: one definition,
used by both), so a student can line up the chapter's figure with their own
plot.  It writes PNG and SVG files plus an ``index.md`` saying which section
each belongs to. ``depthlab figures`` writes them into
``solutions/figures/``.

The output is deterministic: fixed seeds, matplotlib's default style, a fixed
``svg.hashsalt`` and no dates in the files, so a second run with the same
matplotlib writes byte-identical files (a test compares the committed SVGs
with fresh ones).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib
import matplotlib.style
from matplotlib.figure import Figure

#: matplotlib settings every figure is drawn with (on top of the default style).
RC = {
    "svg.hashsalt": "depthlab",
    "svg.fonttype": "path",
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
}
SVG_METADATA = {"Date": None, "Creator": None}
PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class ChapterFigure:
    """One figure of the chapter.

    name: file stem (``<name>.png`` and ``<name>.svg``).
    section: the chapter section it belongs to.
    marker: where the draft asks for it.
    caption: what it shows (used in ``index.md``).
    draw: fills a fresh ``Figure``; returns nothing.
    size: figure size in inches.
    """

    name: str
    section: str
    marker: str
    caption: str
    draw: Callable[[Figure], None]
    size: tuple[float, float]


from .gradients import draw_bowls, draw_chain, draw_jacobian_growth  # noqa: E402 (after ChapterFigure)
from .landscapes import draw_cliff, draw_convex_surfaces, draw_convexity, draw_valley  # noqa: E402


FIGURES: tuple[ChapterFigure, ...] = (
    ChapterFigure(
        "bowls_descent",
        "The Impact of Gradient Ratios / Visualizing the Gradient Descent Behavior",
        "INSERT FIGURE (contour plots of the two bowls) and FIND A FIGURE (the zig-zag path)",
        "Contour lines of $x^2 + y^2$ and $x^2 + 4y^2$ with fixed-step steepest descent from the same "
        "start: straight to the minimum on the circular bowl, zig-zagging across the elliptical one. "
        "The arrows show that $-\\nabla L$ is perpendicular to the contour line through each point.",
        draw_bowls,
        (10.0, 4.8),
    ),
    ChapterFigure(
        "chain_one_node_per_layer",
        "Understanding the Vanishing and Exploding Gradient Problem",
        "INSERT FIGURE (the network with one node per layer)",
        "The chain $x \\to h_1 \\to \\dots \\to o$ with weights $w_1, \\dots, w_m$ and sigmoid $\\Phi$, "
        "annotated with the activations and the gradients $\\partial L/\\partial h_t$ of equation (4.1) for "
        "N(0, 1) weights: the gradient shrinks on its way back to the input.",
        draw_chain,
        (10.0, 3.2),
    ),
    ChapterFigure(
        "cliff",
        "Difficulties of Neural Networks: Cliffs and Valleys",
        "INSERT FIGURE (a loss surface with a cliff)",
        "ps3's cliff and its three runs from the plateau (the notebook's loss, start and rates): a small "
        "rate crawls, a large rate is catapulted by the steep gradient at the cliff's edge (the star: "
        "where it lands), and clipping the gradient's norm tames the large rate.",
        draw_cliff,
        (15.0, 4.8),
    ),
    ChapterFigure(
        "sloping_valley",
        "Difficulties of Neural Networks: Cliffs and Valleys",
        "INSERT FIGURE (a sloping valley), cited twice",
        "ps3's narrow valley whose floor slopes gently to the minimum, with the notebook's runs: "
        "steepest descent bounces between the walls and creeps along the floor; momentum, which "
        "keeps its speed along the low-curvature direction, gets much further; Newton's steps, "
        "which use the curvature, close in on the minimum.",
        draw_valley,
        (12.0, 5.0),
    ),
    ChapterFigure(
        "convex_nonconvex",
        "Convexity (Figure 4.7 (a) and (b) of the draft)",
        "Figure 4.7 (a) and (b), cited but missing",
        "(a) The convex $g(x, y) = x^2 + y^2 - 2x - 2y + 6$ with its single minimum at (1, 1); "
        "(b) ps4's non-convex surface with three dips, whose dips trap gradient descent: started "
        "from a grid of points it stops in several different local minima, of different heights.",
        draw_convexity,
        (12.0, 5.4),
    ),
    ChapterFigure(
        "jacobian_growth",
        "Understanding the Vanishing and Exploding Gradient Problem",
        "the growth of repeated Jacobians (no figure in the draft)",
        "ps2's repeated-Jacobian experiment: the norm of $J^k$ against $k$ follows $\\rho(J)^k$, "
        "shrinking for a spectral radius below 1 and growing above it, after a transient for "
        "non-normal matrices whose norm exceeds their spectral radius; $\\Vert J^k \\Vert^{1/k}$ settles "
        "on $\\rho(J)$.",
        draw_jacobian_growth,
        (12.0, 4.6),
    ),
    ChapterFigure(
        "convex_surfaces",
        "Convexity: composing convex functions",
        "the draft's claim about compositions (no figure in the draft)",
        "ps4's two compositions of the same pieces: $(x_1 - x_2)^2$ (a convex function of an affine "
        "one) is convex but flat along $x_1 = x_2$; $x_1^2 - x_2^2$ (an affine function of convex "
        "ones) is a saddle, and a chord lies below its surface.",
        draw_convex_surfaces,
        (12.0, 5.4),
    ),
)


def render(figure: ChapterFigure) -> Figure:
    """Draw one chapter figure into a new (pyplot-free) ``Figure``."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        fig = Figure(figsize=figure.size)  # each draw function places its own axes
        figure.draw(fig)
    return fig


def save(fig: Figure, out_dir: Path, name: str) -> list[Path]:
    """``<name>.png`` and ``<name>.svg`` in ``out_dir``, with no dates or
    version stamps in them."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
        fig.savefig(png, format="png", metadata=PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=SVG_METADATA)
    return [png, svg]


def index_text(figures=FIGURES) -> str:
    lines = [
        "# The chapter's figures (generated)",
        "",
        "Written by `depthlab figures` (`autograder/depthlab/figures/`), drawn from the notebooks' definitions",
        "and the reference solutions in `solutions/`. Do not edit: change the code or the notebook and run `depthlab figures` again.",
        "",
    ]
    for f in figures:
        lines += [
            f"## {f.name}",
            "",
            f"- Section: {f.section}",
            f"- Draft marker: {f.marker}",
            f"- Files: [{f.name}.png]({f.name}.png), [{f.name}.svg]({f.name}.svg)",
            "",
            f.caption,
            "",
        ]
    return "\n".join(lines)


def write_figures(out_dir: str | os.PathLike, *, only: list[str] | None = None) -> list[Path]:
    """Draw every chapter figure (or those named in ``only``) as PNG and SVG
    into ``out_dir`` (created if needed), write ``index.md``, and return the
    paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [f for f in FIGURES if only is None or f.name in only]
    unknown = set(only or ()) - {f.name for f in FIGURES}
    if unknown:
        raise ValueError(f"no figure named {', '.join(sorted(unknown))}; known: {', '.join(f.name for f in FIGURES)}")
    written = []
    for figure in chosen:
        written += save(render(figure), out, figure.name)
    index = out / "index.md"
    index.write_text(index_text())
    written.append(index)
    return written
