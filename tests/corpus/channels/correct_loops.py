"""Seven nested loops, one multiply-add at a time, as the definition reads."""
# ruff: noqa: F821, E402, B905, B007, F841 - notebook cells, as a student writes them


# %% conv2d
def conv2d(x, w, b=None, stride=1, padding=0):
    n_batch, c_in, h, width = np.shape(x)
    c_out, _, kh, kw = np.shape(w)
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n_batch, c_out, ho, wo))
    for n in range(n_batch):
        for o in range(c_out):
            for i in range(ho):
                for j in range(wo):
                    total = 0.0 if b is None else float(b[o])
                    for c in range(c_in):
                        for a in range(kh):
                            for q in range(kw):
                                r, s = i * stride + a - padding, j * stride + q - padding
                                if 0 <= r < h and 0 <= s < width:
                                    total += x[n, c, r, s] * w[o, c, a, q]
                    out[n, o, i, j] = total
    return out


# %% conv1x1
def conv1x1(x, w, b=None):
    n_batch, c_in, h, width = np.shape(x)
    out = np.zeros((n_batch, len(w), h, width))
    for n in range(n_batch):
        for i in range(h):
            for j in range(width):
                for o in range(len(w)):
                    out[n, o, i, j] = sum(w[o][c] * x[n, c, i, j] for c in range(c_in))
                    if b is not None:
                        out[n, o, i, j] += b[o]
    return out


# %% conv2d_cost
def conv2d_cost(c_in, c_out, kernel_size, output_size, groups=1, bias=True):
    kh, kw = kernel_size if isinstance(kernel_size, tuple | list) else (kernel_size,) * 2
    oh, ow = output_size if isinstance(output_size, tuple | list) else (output_size,) * 2
    params = 0
    for _ in range(c_out):
        params += (c_in // groups) * kh * kw + (1 if bias else 0)
    per_pixel = c_out * (c_in // groups) * kh * kw
    return params, per_pixel * oh * ow
