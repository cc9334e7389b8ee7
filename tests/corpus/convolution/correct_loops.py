"""Plain Python loops over every output pixel and every kernel tap; nothing vectorised."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% corr2d
def corr2d(x, k):
    h, w = len(x), len(x[0])
    kh, kw = len(k), len(k[0])
    out = np.zeros((h - kh + 1, w - kw + 1))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            total = 0.0
            for a in range(kh):
                for b in range(kw):
                    total += float(x[i + a][j + b]) * float(k[a][b])
            out[i, j] = total
    return out


# %% pad2d
def pad2d(x, padding):
    x = np.asarray(x)
    if isinstance(padding, int | np.integer):
        top = bottom = left = right = padding
    elif len(padding) == 2:
        top, bottom, left, right = padding[0], padding[0], padding[1], padding[1]
    else:
        top, bottom, left, right = padding
    h, w = x.shape[-2], x.shape[-1]
    out = np.zeros(x.shape[:-2] + (h + top + bottom, w + left + right), dtype=x.dtype)
    for i in range(h):
        for j in range(w):
            out[..., top + i, left + j] = x[..., i, j]
    return out


# %% convolve2d
def convolve2d(x, k, mode="valid"):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    h, w = x.shape
    kh, kw = k.shape
    if mode == "full":
        out_h, out_w, top, left = h + kh - 1, w + kw - 1, kh - 1, kw - 1
    elif mode == "same":
        out_h, out_w, top, left = h, w, (kh - 1) // 2, (kw - 1) // 2
    else:
        out_h, out_w, top, left = h - kh + 1, w - kw + 1, 0, 0
    out = np.zeros((out_h, out_w))
    # out[i, j] = sum over taps of x[r, c] * k[i' - r, j' - c], with (i', j') in the full grid
    for i in range(out_h):
        for j in range(out_w):
            fi, fj = i + (kh - 1) - top, j + (kw - 1) - left
            for a in range(kh):
                for b in range(kw):
                    r, c = fi - a, fj - b
                    if 0 <= r < h and 0 <= c < w:
                        out[i, j] += x[r, c] * k[a, b]
    return out


# %% conv_output_size
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    span = dilation * (k - 1) + 1
    count, start = 0, 0
    while start + span <= n + 2 * padding:
        count += 1
        start += stride
    return count
