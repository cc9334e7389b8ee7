"""The submission portal (`autograder serve`): a web layer above the grader.

Its modules import the web and database libraries; the grader's core imports none of them
(`commands` is what `autograder` loads, and it imports them only when a command runs).
"""
