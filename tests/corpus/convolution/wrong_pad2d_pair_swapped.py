"""Reads the pair as (columns, rows), the way an image's size is written width x height.

loses: test_pad2d
says: The pair is read the wrong way round
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pad2d
def pad2d(x, padding):
    x = np.asarray(x)
    if np.ndim(padding) == 0:
        top = bottom = left = right = int(padding)
    elif len(padding) == 2:
        left = right = int(padding[0])
        top = bottom = int(padding[1])
    else:
        top, bottom, left, right = (int(p) for p in padding)
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths)
