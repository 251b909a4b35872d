"""The house's structure, read from the code: imports go one way (reports → campaign →
units), and no module uses a view module (one the URLconf routes to) as a library.

Every import is read, at the top of a module or inside a function, so that an import moved
into a function to dodge a cycle still counts."""

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("units", "campaign", "reports")
# What each app may import of the others: the layers, lowest first.
ALLOWED = {"units": set(), "campaign": {"units"}, "reports": {"campaign", "units"}}


def modules(package):
    """(dotted name, path) of every module of `package`, its migrations included."""
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imported(path):
    """The dotted names `path` imports: `import a.b` gives a.b; `from a import b` gives a.b
    when a.b is a module, else a."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                names.add(dotted if _is_module(dotted) else node.module)
    return names


def _is_module(dotted):
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def test_imports_go_from_reports_to_campaign_to_units_only():
    wrong = []
    for app in APPS:
        for name, path in modules(app):
            for target in imported(path):
                other = target.split(".")[0]
                if other in APPS and other != app and other not in ALLOWED[app]:
                    wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(wrong)


def view_modules():
    """The modules the URLconfs import whole (`from campaign import views`): their functions
    are the pages."""
    found = set()
    for app in (*APPS, "config"):
        urls = ROOT / app / "urls.py"
        for node in ast.walk(ast.parse(urls.read_text(), str(urls))):
            if isinstance(node, ast.ImportFrom) and node.module in (*APPS, "config"):
                found.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    return found


def test_the_view_modules_are_found():
    # The check below reads nothing if the URLconfs stop importing their modules this way.
    assert {"campaign.views", "campaign.obstacles", "reports.dashboard", "units.views"} <= (
        view_modules()
    )


def test_no_module_uses_a_view_module_as_a_library():
    views = view_modules()
    wrong = []
    for app in (*APPS, "config"):
        for name, path in modules(app):
            if name.endswith(".urls"):
                continue
            wrong += [f"{name} imports {target}" for target in imported(path) & views]
    assert not wrong, "\n".join(wrong)


# --- templates ----------------------------------------------------------------------------------
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
NAMED = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def tag_libraries():
    """Each template tag library's name, with the app that defines it."""
    return {
        path.stem: app
        for app in APPS
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def test_templates_follow_the_same_layers():
    """A page of an app loads the tag libraries and includes the templates of that app and
    of the apps below it only (the home page gets the boxes of the apps above it from
    settings.HOME_PANELS, as it gets their pending work)."""
    libraries = tag_libraries()
    wrong = []
    for app in APPS:
        for path in sorted((ROOT / "templates" / app).rglob("*.html")):
            text = path.read_text()
            name = path.relative_to(ROOT / "templates")
            used = {libraries[lib] for load in LOAD.findall(text) for lib in load.split()
                    if lib in libraries}  # fmt: skip
            used |= {named.split("/")[0] for named in NAMED.findall(text)}
            wrong += [
                f"{name} uses {other}"
                for other in sorted(used & set(APPS))
                if other != app and other not in ALLOWED[app]
            ]
    assert not wrong, "\n".join(wrong)
