"""Grade a whole class: ``depthlab autograde ASSIGNMENT [SOURCE]``, one module per step.

- :mod:`.collect`: the submissions, into nbgrader's ``submitted/`` layout;
- :mod:`.store`: one stored result per student (atomic writes, fingerprints);
- :mod:`.gradebook`: every access to nbgrader's gradebook and its API;
- :mod:`.pool`: pre-started sandboxed kernels inside a worker process;
- :mod:`.worker`: one worker process, grading one notebook at a time;
- :mod:`.dispatch`: the worker processes, replaced when they die or hang;
- :mod:`.cluster`: the same on a Dask distributed cluster (``--scheduler``);
- :mod:`.progress`: the progress meter;
- :mod:`.export`: ``grades.csv``;
- :mod:`.run`: the order of the steps (:func:`~depthlab.classgrade.run.autograde`);
- :mod:`.demo`: a generated class graded end to end.

Nothing is imported here, so importing one step (the report needs only the
store) does not import the others.
"""
