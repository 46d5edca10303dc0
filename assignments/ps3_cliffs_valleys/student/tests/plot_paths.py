from otter.test_files import test_case

OK_FORMAT = False

name = "plot_paths"
points = 1

@test_case(points=0, hidden=False)
def test_plot_paths_public_examples(np, plot_paths, plt):
    from matplotlib.contour import ContourSet

    def half_square_one_point(w):
        w = np.asarray(w, dtype=float)
        if w.shape != (2,):
            raise ValueError(f'this loss takes one point of shape (2,), got an array of shape {w.shape}')
        return 0.5 * float(w @ w)
    example_paths = {'descent': np.array([[1.5, 1.0], [0.75, 0.5], [0.375, 0.25]]), 'start only': np.array([[-1.0, 0.5]])}
    fig, ax = plt.subplots()
    returned = plot_paths(ax, half_square_one_point, example_paths, (-2.0, 2.0, -1.5, 1.5))
    assert returned is ax, f'plot_paths must return the Axes it was given, got {returned!r}'
    assert any((isinstance(c, ContourSet) for c in ax.collections)), 'there are no contour lines: use ax.contour on a grid'
    labels = [line.get_label() for line in ax.get_lines()]
    for key, path in example_paths.items():
        drawn = [line for line in ax.get_lines() if line.get_label() == key]
        assert drawn, f'no line is labelled {key!r} (labels: {labels}): pass label=key to ax.plot'
        assert any((np.shape(line.get_xdata()) == (len(path),) and np.allclose(line.get_xdata(), path[:, 0]) and np.allclose(line.get_ydata(), path[:, 1]) for line in drawn)), f'the line labelled {key!r} should show path[:, 0] against path[:, 1]'
    assert ax.get_legend() is not None, 'there is no legend: call ax.legend()'
    legend_texts = [text.get_text() for text in ax.get_legend().get_texts()]
    assert set(example_paths) <= set(legend_texts), f'the legend shows {legend_texts}, expected {list(example_paths)}'
    plt.close(fig)
    print('plot_paths: public tests passed')

