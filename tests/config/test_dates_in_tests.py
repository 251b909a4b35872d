"""No test reads today at collection: a run that crosses midnight in Vietnam would compare
yesterday's date, read then, with the portal's today (the `today` fixture reads it late)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CLOCKS = {"localdate", "today", "now"}


def _reads_the_clock(node: ast.AST) -> bool:
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in CLOCKS
        for call in ast.walk(node)
    )


def test_no_test_module_reads_the_date_at_collection():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if "bench" in path.parts:  # run as scripts, not collected
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and _reads_the_clock(node):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and any(
                _reads_the_clock(default) for default in node.args.defaults
            ):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno} (a default)")
    assert offenders == []
