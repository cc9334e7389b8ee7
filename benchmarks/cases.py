"""The shapes measured, shared by both sides of each comparison."""

# name, (N, C, H, W), (K, C // groups, kh, kw), conv keyword arguments
CONV_CASES = [
    ("8x3x32x32 k16 3x3 p1", (8, 3, 32, 32), (16, 3, 3, 3), {"padding": 1}),
    ("32x16x28x28 k32 3x3 p1", (32, 16, 28, 28), (32, 16, 3, 3), {"padding": 1}),
    ("16x64x16x16 k64 3x3 d2 p2", (16, 64, 16, 16), (64, 64, 3, 3), {"padding": 2, "dilation": 2}),
    ("depthwise 16x64x32x32 3x3 p1", (16, 64, 32, 32), (64, 1, 3, 3), {"padding": 1, "groups": 64}),
    ("64x1x28x28 k6 5x5", (64, 1, 28, 28), (6, 1, 5, 5), {}),
]

# name, (N, C, H, W), (kernel, stride, padding)
POOL_CASES = [
    ("32x16x28x28 k2 s2", (32, 16, 28, 28), (2, 2, 0)),
    ("16x64x32x32 k3 s2 p1", (16, 64, 32, 32), (3, 2, 1)),
]

# name, (N, in_features), out_features
LINEAR_CASES = [
    ("64x400 -> 120", (64, 400), 120),
    ("256x4096 -> 1000", (256, 4096), 1000),
]
