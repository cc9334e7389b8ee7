"""Puts all the zeros after the image (bottom and right), as if padding were an appended border.

loses: test_pad2d
says: All the padding went to one side
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pad2d
def pad2d(x, padding):
    x = np.asarray(x)
    if np.ndim(padding) == 0:
        rows = cols = 2 * int(padding)
    elif len(padding) == 2:
        rows, cols = 2 * padding[0], 2 * padding[1]
    else:
        rows, cols = padding[0] + padding[1], padding[2] + padding[3]
    widths = [(0, 0)] * (x.ndim - 2) + [(0, rows), (0, cols)]
    return np.pad(x, widths)
