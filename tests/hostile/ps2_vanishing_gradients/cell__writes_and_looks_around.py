# What can a notebook see and change while it is graded?  (None: it was not allowed to look.)
import glob
import json
import os


def look(what):
    try:
        return what()
    except OSError:
        return None


seen = {"cwd": os.getcwd(), "here_before": sorted(os.listdir("."))}
with open("notes.txt", "w") as fh:
    fh.write("my scratch notes\n" * 1000)
seen["wrote"] = []
for path in ("notes.txt", "/tmp/left_by_a_student.txt", "__REPO__/left_by_a_student.txt",
             "/var/tmp/left_by_a_student.txt", os.path.expanduser("~") + "/left_by_a_student.txt"):
    try:
        with open(path, "w") as fh:
            fh.write("hello")
        seen["wrote"].append(path)
    except OSError:
        pass
seen["tmp"] = look(lambda: sorted(os.listdir("/tmp")))
seen["repo"] = look(lambda: sorted(os.listdir("__REPO__")))
seen["secrets"] = [p for p in glob.glob("__REPO__/solutions/*.py") + glob.glob("__REPO__/source/*/*.ipynb")
                   + glob.glob("__REPO__/gradebook.db") + glob.glob("/tmp/depthlab-nbgrader-*")
                   + glob.glob("__CACHE__/*.json")]
seen["processes"] = look(lambda: sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
print("SEEN " + json.dumps(seen))
