"""Reads the four numbers in torch.nn.functional.pad's order (left, right, top, bottom).

loses: test_pad2d
says: (top, bottom, left, right)
"""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% pad2d
def pad2d(x, padding):
    x = np.asarray(x)
    if np.ndim(padding) == 0:
        left = right = top = bottom = int(padding)
    elif len(padding) == 2:
        top = bottom = int(padding[0])
        left = right = int(padding[1])
    else:
        left, right, top, bottom = (int(p) for p in padding)
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths)
