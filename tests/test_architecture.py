"""The shape of the house, read from the source with `ast` (nothing is imported):

(a) no import cycles between modules of src/hubwire, counting imports inside functions and under
    TYPE_CHECKING too (a cycle there is still two modules that cannot be understood apart);
(b) nothing outside hubwire.sandbox imports it: the emulators are switched off in production, so
    the product must run without them;
(c) settings are read when used, never at import or class definition, so override_settings and an
    operator's environment reach them.

`import a.b.c` and `from a.b import c` are edges to the module a.b.c when it exists, else to the
package a.b (its __init__.py). The implicit import of parent packages is not an edge (every module
would then depend on hubwire/__init__.py, which loads the Celery app).
"""

import ast
from functools import cache
from pathlib import Path

import hubwire

SRC = Path(hubwire.__file__).parent
ROOT = SRC.parent  # src/: module names are paths from here
SANDBOX = "hubwire.sandbox"

# Import edges allowed to close a cycle, "importer -> imported" as files. Empty: the house has no
# cycle. The test fails when a listed edge is gone, so that this set can only shrink.
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()

# Names settings.py and urls.py give Django to load by name (INSTALLED_APPS, DATABASE_ROUTERS,
# include()): configuration, not imports; the sandbox app, router and routes are off unless enabled.
MAY_NAME_THE_SANDBOX = {"hubwire.settings", "hubwire.urls"}

# Read at class definition by design: Django resolves the swappable user model from it.
CLASS_TIME_SETTINGS = {"AUTH_USER_MODEL"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def source_files() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module or package (of ours) an import of `name` runs last."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(_resolve(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                found.add(_resolve(f"{base}.{alias.name}", modules) or _resolve(base, modules))
    found.discard(None)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = source_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def as_file(module: str) -> str:
    return source_files()[module].relative_to(ROOT).as_posix()


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; the components with more than one module."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]

    def visit(start):
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def cycle_through(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside the component."""
    start, members = component[0], set(component)
    previous, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while previous[path[-1]] is not None:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")


def test_there_is_no_import_cycle():
    graph = import_graph()
    allowed = {(a, b) for a in graph for b in graph[a] if (as_file(a), as_file(b)) in ALLOWED_CYCLE_EDGES}
    remaining = {a: {b for b in targets if (a, b) not in allowed} for a, targets in graph.items()}
    cycles = [" -> ".join(as_file(m) for m in cycle_through(remaining, c)) for c in strongly_connected(remaining)]
    assert not cycles, "import cycles (each printed as a path):\n" + "\n".join(cycles)

    gone = ALLOWED_CYCLE_EDGES - {(as_file(a), as_file(b)) for a, b in allowed}
    assert not gone, f"these allowed edges no longer exist, take them out of ALLOWED_CYCLE_EDGES: {sorted(gone)}"


def test_the_cycle_finder_finds_a_cycle_and_prints_it_as_a_path():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert cycle_through(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_imports_are_resolved_to_modules_and_packages_including_those_inside_functions():
    graph = import_graph()
    # `from hubwire.integrations import providers`, inside IntegrationsConfig.ready(): the module.
    assert "hubwire.integrations.providers" in graph["hubwire.integrations.apps"]
    # `from hubwire.celery import app as celery_app`, at module level of the package's __init__.
    assert "hubwire.celery" in graph["hubwire"]
    # `from hubwire.sandbox import clock` inside the sandbox: a module, not the package.
    assert "hubwire.sandbox.clock" in graph["hubwire.sandbox.oauth"]


def _names_the_sandbox(text: str) -> bool:
    return text == SANDBOX or text.startswith(SANDBOX + ".")


def test_nothing_outside_the_sandbox_imports_it():
    graph = import_graph()
    outside = [m for m in graph if not _names_the_sandbox(m)]
    imports = [f"{as_file(m)} -> {as_file(t)}" for m in outside for t in sorted(graph[m]) if _names_the_sandbox(t)]
    assert not imports, "modules outside hubwire.sandbox import it:\n" + "\n".join(imports)

    # Loading it by name (import_module("hubwire.sandbox…"), a dotted path in a setting) is importing
    # it too, except where Django is told which apps, routers and routes exist.
    named = []
    for module in outside:
        if module in MAY_NAME_THE_SANDBOX:
            continue
        tree = ast.parse(source_files()[module].read_text())
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        named += [f"{as_file(module)}:{n.lineno} {n.value!r}" for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
                  and _names_the_sandbox(n.value)]
    assert not named, "modules outside hubwire.sandbox load it by name:\n" + "\n".join(named)


class _ImportTimeSettings(ast.NodeVisitor):
    """`settings.X` read outside any function body: at import, in a class body, in a default argument
    or a decorator (those run when the function is defined)."""

    def __init__(self):
        self.depth, self.found = 0, []

    def visit_FunctionDef(self, node):
        for expr in [*node.decorator_list, *node.args.defaults, *filter(None, node.args.kw_defaults)]:
            self.visit(expr)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        for expr in [*node.args.defaults, *filter(None, node.args.kw_defaults)]:
            self.visit(expr)
        self.depth += 1
        self.visit(node.body)
        self.depth -= 1

    def visit_Attribute(self, node):
        if (self.depth == 0 and isinstance(node.value, ast.Name) and node.value.id == "settings"
                and node.attr not in CLASS_TIME_SETTINGS):
            self.found.append((node.lineno, node.attr))
        self.generic_visit(node)


def test_settings_are_read_when_used_not_at_import():
    early = []
    for module, path in source_files().items():
        if module == "hubwire.settings":
            continue
        finder = _ImportTimeSettings()
        finder.visit(ast.parse(path.read_text()))
        early += [f"{as_file(module)}:{line} settings.{name}" for line, name in finder.found]
    assert not early, "settings read at import or class definition (override_settings cannot reach them):\n" + \
        "\n".join(early)


def test_the_settings_finder_sees_each_early_kind():
    source = '''
TIMEOUT = settings.A
class P:
    lifetime = settings.B
def f(x=settings.C, *, y=settings.D):
    return settings.OK
@decorate(settings.E)
def g():
    return lambda: settings.OK
'''
    finder = _ImportTimeSettings()
    finder.visit(ast.parse(source))
    assert sorted(name for _, name in finder.found) == ["A", "B", "C", "D", "E"]
