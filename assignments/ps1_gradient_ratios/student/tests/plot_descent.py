from otter.test_files import test_case

OK_FORMAT = False

name = "plot_descent"
points = 1

@test_case(points=0, hidden=False)
def test_plot_descent_public_examples(np, plot_descent, plt):
    from matplotlib.contour import ContourSet
    demo = np.array([[2.0, 1.0], [1.2, -0.6], [0.72, 0.36], [0.432, -0.216]])
    fig, ax = plt.subplots(figsize=(4, 3))
    try:
        returned = plot_descent(ax, demo)
    finally:
        plt.close(fig)
    assert returned is ax, 'plot_descent must return the Axes it was given (end with return ax)'
    assert any((isinstance(c, ContourSet) for c in ax.collections)), 'no contour lines: draw them with ax.contour'
    path_lines = [ln for ln in ax.get_lines() if np.shape(ln.get_xdata()) == (4,) and np.allclose(ln.get_xdata(), demo[:, 0]) and np.allclose(ln.get_ydata(), demo[:, 1])]
    assert path_lines, "no line has the path's data: plot x = path[:, 0] against y = path[:, 1], all points from path[0] on"
    assert any((ln.get_marker() not in (None, '', ' ', 'None', 'none') for ln in path_lines)) or any((np.shape(c.get_offsets()) == demo.shape and np.allclose(c.get_offsets(), demo) for c in ax.collections if not isinstance(c, ContourSet))), "the path has no markers: mark every iterate, e.g. with 'o-'"
    x_lo, x_hi = sorted(ax.get_xlim())
    y_lo, y_hi = sorted(ax.get_ylim())
    assert x_lo <= demo[:, 0].min() and x_hi >= demo[:, 0].max() and (y_lo <= demo[:, 1].min()) and (y_hi >= demo[:, 1].max()), 'the axes limits cut off part of the path'
    assert any((ln is not path_lines[0] and ln.get_marker() not in (None, '', ' ', 'None', 'none') and np.allclose(ln.get_xdata(), 0) and np.allclose(ln.get_ydata(), 0) for ln in ax.get_lines())) or any((np.allclose(c.get_offsets(), 0) for c in ax.collections if not isinstance(c, ContourSet))), 'the minimum (0, 0) is not marked: draw a marker of its own there'
    assert ax.get_aspect() in ('equal', 1.0), f"the aspect is {ax.get_aspect()!r}: use ax.set_aspect('equal')"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title(), 'label both axes and give the plot a title'
    print('plot_descent: public tests passed')

