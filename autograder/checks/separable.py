"""Checks for assignment 4: grouped conv2d, depthwise, pointwise, separable."""

import solutions as S
from autograder.checks import Case, Component, Mistake, add_cases, attach_mistakes, randn


def group_cases(rng):
    cases = []
    for category, groups in (("groups1", 1), ("groups", 2), ("groups", 3), ("depthwise", 4)):
        c_in, c_out = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        if category == "depthwise":
            c_in = groups
        x = randn(rng, 2, c_in, 6, 7)
        w = randn(rng, c_out, c_in // groups, 3, 3)
        cases.append(
            Case(
                category,
                (x, w, randn(rng, c_out)),
                {"stride": int(rng.integers(1, 3)), "padding": 1, "groups": groups},
            )
        )
    return cases


def separable_cases(rng):
    x = randn(rng, 2, 3, 7, 6)
    wd, bd = randn(rng, 6, 1, 3, 3), randn(rng, 6)
    wp, bp = randn(rng, 4, 6, 1, 1), randn(rng, 4)
    return [
        Case("depthwise", (x, wd, bd), {"stride": 2, "padding": 1}, function="depthwise_conv2d"),
        Case("pointwise", (x, randn(rng, 5, 3, 1, 1), randn(rng, 5)), function="pointwise_conv2d"),
        Case(
            "separable",
            (x, wd, wp, bd, bp),
            {"stride": 1, "padding": 1},
            function="separable_conv2d",
        ),
        Case("separable", (x, wd, wp), {"stride": 2, "padding": 0}, function="separable_conv2d"),
    ]


COMPONENTS = [
    Component(
        "test_conv2d_groups",
        "conv2d",
        S.conv2d,
        {"groups1": 1, "groups": 1, "depthwise": 1},
        group_cases,
        [],
    ),
    Component(
        "test_separable",
        "separable_conv2d",
        {
            "depthwise_conv2d": S.depthwise_conv2d,
            "pointwise_conv2d": S.pointwise_conv2d,
            "separable_conv2d": S.separable_conv2d,
        },
        {"depthwise": 1, "pointwise": 1, "separable": 2},
        separable_cases,
        [],
    ),
]


# The classic mistakes, written once: each is a Variant of its component above and the
# planted mistake of a sample submission (autograder.samples).
MISTAKES = [
    Mistake(
        cell="conv2d",
        component="test_conv2d_groups",
        function="conv2d",
        summary="gives every output channel the first group's input channels",
        diagnosis="Every group reads the first group's input channels: group g reads input channels g*C_in/groups to (g+1)*C_in/groups - 1.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x = np.asarray(x, dtype=float)
    cg = np.shape(w)[1]
    first = np.concatenate([x[:, :cg]] * groups, axis=1)
    return _correct_conv2d(first, w, b, stride, padding, dilation, groups=groups)
""",
    ),
    Mistake(
        cell="separable",
        component="test_separable",
        function="separable_conv2d",
        summary="mixes the channels before filtering them (pointwise first)",
        diagnosis="The channels are mixed before they are filtered: depthwise first, then pointwise.",
        code="""
def separable_conv2d(x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0):
    mixed = pointwise_conv2d(x, np.ones((np.shape(x)[1], np.shape(x)[1], 1, 1)) / np.shape(x)[1])
    return pointwise_conv2d(depthwise_conv2d(mixed, w_depthwise, b_depthwise, stride, padding), w_pointwise, b_pointwise)
""",
    ),
]
attach_mistakes(COMPONENTS, MISTAKES)


# Misconceptions met in the corpus of student submissions (tests/corpus/separable/): the
# grader recognises them (as Variants); they are not planted in the samples.
RECOGNISED = [
    Mistake(
        cell="conv2d",
        component="test_conv2d_groups",
        function="conv2d",
        summary="deals the input channels out to the groups like cards",
        diagnosis="The groups are not blocks of consecutive channels: group g reads input channels g*C_in/groups to (g+1)*C_in/groups - 1 and writes the same block of outputs.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    x = np.asarray(x)
    order = [c for g in range(groups) for c in range(g, x.shape[1], groups)]
    return _correct_conv2d(x[:, order], w, b, stride, padding, groups=groups)
""",
    ),
    Mistake(
        cell="conv2d",
        component="test_conv2d_groups",
        function="conv2d",
        summary="deals the output channels out to the groups like cards",
        diagnosis="The groups are not blocks of consecutive channels: group g reads input channels g*C_in/groups to (g+1)*C_in/groups - 1 and writes the same block of outputs.",
        code="""
_correct_conv2d = conv2d
def conv2d(x, w, b=None, stride=1, padding=0, groups=1):
    w = np.asarray(w)
    per_group = w.shape[0] // groups
    # output o is computed by group o % groups with filter w[o]: in the right layout that
    # is output (o % groups) * per_group + o // groups
    order = np.array([(o % groups) * per_group + o // groups for o in range(w.shape[0])])
    out = _correct_conv2d(x, w[np.argsort(order)], None, stride, padding, groups=groups)[:, order]
    return out if b is None else out + np.asarray(b)[None, :, None, None]
""",
    ),
    Mistake(
        cell="separable",
        component="test_separable",
        function="depthwise_conv2d",
        summary="numbers a channel multiplier's outputs m * C + c",
        diagnosis="With a channel multiplier M, channel c's M filters are outputs c*M to c*M + M - 1 (w[c*M + m] filters channel c), not m*C + c.",
        code="""
_correct_depthwise = depthwise_conv2d
def depthwise_conv2d(x, w, b=None, stride=1, padding=0):
    c = np.shape(x)[1]
    m = np.shape(w)[0] // c
    order = [mm * c + cc for cc in range(c) for mm in range(m)]
    out = _correct_depthwise(x, np.asarray(w)[order], None if b is None else np.asarray(b)[order], stride, padding)
    return out[:, np.argsort(order)]
""",
    ),
    Mistake(
        cell="separable",
        component="test_separable",
        function="separable_conv2d",
        summary="drops the depthwise bias",
        diagnosis="The depthwise bias is dropped: the depthwise step adds b_depthwise, the pointwise step b_pointwise.",
        code="""
_correct_separable = separable_conv2d
def separable_conv2d(x, w_depthwise, w_pointwise, b_depthwise=None, b_pointwise=None, stride=1, padding=0):
    return _correct_separable(x, w_depthwise, w_pointwise, None, b_pointwise, stride, padding)
""",
    ),
]
attach_mistakes(COMPONENTS, RECOGNISED)


# --- every parameter over its valid range (issue 18, 1c and 1g) -----------------------------
# Drawn after the cases above, so that a seed still draws those the same way.


def group_range_cases(rng):
    cases = []
    # several input and several output channels in every group: each misreading of which
    # channels make a group changes the answer
    for category, groups, per_in, per_out in (
        ("groups", 2, 2, 3),
        ("groups", 3, 2, 2),
        ("depthwise", 3, 1, 2),  # a channel multiplier of 2
        ("depthwise", 5, 1, 1),
        ("groups1", 1, 3, 2),
    ):
        c_in, c_out = groups * per_in, groups * per_out
        options = {
            "stride": int(rng.integers(1, 4)),
            "padding": int(rng.integers(0, 3)),
            "groups": groups,
        }
        x, w = randn(rng, 2, c_in, 7, 6), randn(rng, c_out, per_in, 3, 2)
        cases.append(Case(category, (x, w, randn(rng, c_out)), options))
    cases.append(Case("groups", (randn(rng, 1, 4, 5, 5), randn(rng, 6, 2, 1, 1)), {"groups": 2}))
    return cases


def separable_range_cases(rng):
    x = randn(rng, 2, 2, 6, 7)
    wd, bd = randn(rng, 6, 1, 3, 2), randn(rng, 6)  # a channel multiplier of 3
    wp, bp = randn(rng, 3, 6, 1, 1), randn(rng, 3)
    return [
        Case("depthwise", (x, wd, bd), {"stride": 3, "padding": 2}, function="depthwise_conv2d"),
        Case("depthwise", (x, wd), function="depthwise_conv2d"),
        Case("pointwise", (x, randn(rng, 4, 2, 1, 1)), function="pointwise_conv2d"),
        Case(
            "separable",
            (x, wd, wp, bd, bp),
            {"stride": 2, "padding": 2},
            function="separable_conv2d",
        ),
        Case("separable", (x, wd, wp, bd), function="separable_conv2d"),
    ]


add_cases(
    COMPONENTS,
    {"test_conv2d_groups": group_range_cases, "test_separable": separable_range_cases},
)
