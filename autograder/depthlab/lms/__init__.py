"""What travels between depthlab and a learning management system (LMS).

- :mod:`.identity`: who submitted, and when, as the LMS's download names it
  (Canvas file names, Moodle folder names, Gradescope's ``submission_metadata.yml``);
- :mod:`.roster`: matching graded students to the rows of an LMS roster;
- :mod:`.canvas`: Canvas's gradebook CSV, filled in for import;
- :mod:`.moodle`: Moodle's grade-import CSV;
- :mod:`.export`: ``depthlab export``: final grades into one of those files.

Nothing is imported here, so importing one module does not import the others.
"""
