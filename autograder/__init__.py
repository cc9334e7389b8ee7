"""The course's autograder: grades submitted notebooks without trusting them.

Built in its own issue (checks per assignment, sandbox, CLI, nbgrader gradebook bridge); this
package exists so that the distribution's layout is in place.
"""
