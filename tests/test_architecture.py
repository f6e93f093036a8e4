"""The tree's rules, checked on the source: no import circles, the domain package never imports
streamlit or the app, and each part imports only the parts its `__init__` says it may.

Every module is parsed (nothing is imported); `from a.b import c` counts as an import of `a.b.c`
when that is a module, else of `a.b`. Imports inside functions count too; imports under
`if TYPE_CHECKING:` (annotations only, never run) do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("breakthrough", "components", "pages")

# part -> the parts it may import (a part is a sub-package of breakthrough or a top-level module there)
MAY_IMPORT = {
    "store": set(),
    "formatting": set(),
    "settings": {"store", "access"},
    "settings_check": {"settings", "metrics", "coaching"},
    "access": {"store", "formatting"},
    "metrics": {"store", "settings", "formatting"},
    "diagnosis": {"metrics", "store", "settings", "formatting"},
    "coaching": {"metrics", "diagnosis", "store", "settings", "formatting", "access"},
    "importing": {"store", "settings", "formatting", "access"},
    "sharing": {"metrics", "diagnosis", "coaching", "talent", "store", "settings", "formatting"},
    "talent": {"metrics", "diagnosis", "coaching", "store", "access", "settings", "formatting"},
    "demo": {"importing", "metrics", "store", "settings", "formatting"},
    "digest": {"access", "coaching", "diagnosis", "metrics", "sharing", "store", "talent", "settings", "formatting"},
    "cli": {
        "digest",
        "access",
        "store",
        "metrics",
        "diagnosis",
        "coaching",
        "importing",
        "sharing",
        "talent",
        "demo",
        "settings",
        "formatting",
    },
    "__main__": {"cli"},
}
# module-level exceptions, each said in the importing part's __init__
DRIVERS = "breakthrough.metrics.drivers"  # the one table of drivers, which imports nothing
ALSO_MAY_IMPORT = {
    "store": {"breakthrough.metrics.tenure", "breakthrough.metrics.periods"},  # who is in a span's figures
    "importing": {"breakthrough.metrics.periods", DRIVERS},  # a quota sheet's quarters follow the fiscal year
    "coaching": {DRIVERS},  # a session's focus driver, the drivers measured per 4 weeks
    "demo": {DRIVERS},  # the focus drivers of the planted stories
}
NEVER_IN_DOMAIN = ("streamlit", "components", "pages", "app")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for top in SOURCES:
        for path in (ROOT / top).rglob("*.py"):
            if "versions" not in path.parts:  # alembic scripts are loaded by alembic, not imported
                found[module_name(path)] = path
    found["app"] = ROOT / "app.py"
    return found


def imports(path: Path, known: set[str]) -> set[str]:
    """Every module `path` imports (ours by module, others by their top-level name)."""
    out = set()
    for node in _run_time_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                out.add(full if full in known else node.module)
    return out


def _run_time_nodes(tree: ast.AST):
    """Every node, less the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_run_time_nodes(child)])
            continue
        yield node
        yield from _run_time_nodes(node)


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(path, known) for name, path in mods.items()}


def part(module: str) -> str | None:
    """The part of the domain package a module belongs to (None outside `breakthrough`)."""
    bits = module.split(".")
    if bits[0] != "breakthrough":
        return None
    return bits[1] if len(bits) > 1 else "__init__"


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among our modules (each found once, from its first module)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_finder_sees_a_circle_and_the_parts():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert part("breakthrough.store.db") == "store" and part("breakthrough.cli") == "cli"
    assert part("components.cache") is None


def test_the_drivers_table_imports_nothing_of_ours():
    assert {i for i in graph()[DRIVERS] if i.split(".")[0] == "breakthrough"} == set()


def test_no_import_circles():
    assert cycles(graph()) == []


def test_the_domain_package_never_imports_streamlit_or_the_app():
    bad = {
        (mod, imp) for mod, imps in graph().items() if part(mod) for imp in imps if imp.split(".")[0] in NEVER_IN_DOMAIN
    }
    assert bad == set()


def test_each_part_imports_only_what_its_init_allows():
    bad = set()
    for mod, imps in graph().items():
        mine = part(mod)
        if mine in (None, "__init__"):
            continue
        for imp in imps:
            theirs = part(imp)
            if (
                theirs
                and theirs != mine
                and theirs != "__init__"
                and theirs not in MAY_IMPORT[mine]
                and imp not in ALSO_MAY_IMPORT.get(mine, ())
            ):
                bad.add((mod, imp))
    assert bad == set()


def test_every_part_says_what_it_holds():
    for name, path in modules().items():
        if path.name == "__init__.py" and name.startswith("breakthrough"):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc and len(doc) > 80, name


def test_nothing_imports_pages_or_app_and_widgets_never_import_sections():
    bad = set()
    for mod, imps in graph().items():
        for imp in imps:
            top = imp.split(".")[0]
            if top in ("pages", "app") and mod != imp:
                bad.add((mod, imp))
            if mod.startswith("components.widgets") and imp.startswith("components.sections"):
                bad.add((mod, imp))
    assert bad == set()


# --- every read about people is kept to the viewer's scope (issue #15) ----------------------------------
# The functions the pages read through — every public function of components/cache.py and every function in
# components/ or pages/ cached with `st.cache_data` / `st.cache_resource` — take the viewer's `scope` (part of
# the cache key) and return only the rows inside it. The exceptions return nothing about people, or hold
# everyone only to work out figures that need the whole team, and none of them leaves its module: each with why.
NOT_ABOUT_PEOPLE = "returns no row about a person"
NO_SCOPE = {
    "components.cache.engine": NOT_ABOUT_PEOPLE,
    "components.cache._engine": NOT_ABOUT_PEOPLE,
    "components.cache.version": NOT_ABOUT_PEOPLE,
    "components.cache.settings": NOT_ABOUT_PEOPLE,
    "components.cache.teams": "team names and their tree, which the filter bar narrows (`Scope.teams`)",
    "components.cache.data_span": NOT_ABOUT_PEOPLE,
    "components.cache.is_demo": NOT_ABOUT_PEOPLE,
    "components.cache._frame": "everyone, private: `people` keeps it to the scope",
    "components.cache._card": "every rep, private: the team's rates and shrinkage need everyone; `card` keeps it",
    "components.cache._diagnosed": "every rep, private: the benchmarks are quartiles of everyone; `diagnosed` keeps it",
    "components.cache._ramp": "every rep, private: the cohort curve needs every hire; `ramp` keeps it to the scope",
    "components.cache._shortfall": "every rep, private: `shortfall` keeps it to the scope",
    "components.signin._scope": "works out the scope itself, from the signed-in e-mail",
    "components.sections.prep_sheet._sources": "every rep, private: benchmarks and stall limits; `sheet` keeps it",
    "components.sections.audit_log._log": "who changed what, shown only to those who see every team",
    "components.sections.money_notice.check": NOT_ABOUT_PEOPLE,
    "components.sections.pipeline_health._cohort": "everyone's deals, private: only pooled conversions leave it",
    "components.sections.pipeline_health.has_targets": NOT_ABOUT_PEOPLE,
}


def _reads() -> dict[str, list[str]]:
    """Each function the rule covers → its parameter names."""
    found = {}
    for name, path in modules().items():
        if name.split(".")[0] not in ("components", "pages"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            cached = any(
                "cache_data" in ast.unparse(d) or "cache_resource" in ast.unparse(d) for d in node.decorator_list
            )
            public_cache = name == "components.cache" and not node.name.startswith("_")
            if cached or public_cache:
                args = node.args
                found[f"{name}.{node.name}"] = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    return found


def test_every_read_about_people_takes_the_viewers_scope():
    reads = _reads()
    assert {"components.cache.card", "components.cache.people", "components.cache.diagnosed"} <= set(reads)
    unscoped = sorted(f for f, params in reads.items() if "scope" not in params and f not in NO_SCOPE)
    assert unscoped == [], "take the viewer's `scope` (or say in NO_SCOPE why the rows are nobody's)"
    assert sorted(f for f in NO_SCOPE if f not in reads) == [], "an exception for a function that is gone"
    assert sorted(f for f in NO_SCOPE if "scope" in reads.get(f, ())) == [], "an exception no longer needed"
