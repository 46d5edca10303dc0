"""A copied submission for the generated class: another student's code with its
variables renamed and its layout redone, the way a copier hides a copy.

:func:`disguise` renames every local variable (never a parameter, a function or
a module name, so the code still runs and grades the same) and rewrites the
layout through :func:`ast.unparse` (comments gone, line breaks, spacing and
quotes Python's own).  :mod:`depthlab.classgen` uses it for the planted pair of
a class (``make_class(..., planted=True)``): the pair the TA report's similar
submissions section must rank first.
"""
from __future__ import annotations

import ast

#: the name suffix of the hand-written "own style" solutions in tests/alternatives/<a>/:
#: written by the planted pair's original only, never drawn for other students
PLANTED = "own_style_planted"


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.names.get(node.id, node.id)
        return node


def local_names(tree: ast.AST) -> set:
    """Names assigned inside a function body, other than any parameter anywhere."""
    params = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    out = set()
    for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                out.add(node.id)
    return out - params


def disguise(code: str, prefix: str = "my_") -> str:
    """``code`` with each local variable renamed ``<prefix><name>`` and reformatted by
    :func:`ast.unparse`; code that does not parse comes back unchanged."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    names = {n: prefix + n for n in sorted(local_names(tree))}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    names = {old: new for old, new in names.items() if new not in used}
    return ast.unparse(_Rename(names).visit(tree)) + "\n"
