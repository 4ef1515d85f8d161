"""One error tree: every exception class of ours is a SkillgraphError, drawn in one docstring."""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
import re

import pytest

import skillgraph.errors
from ontology.errors import SkillgraphError

PACKAGES = ("ontology", "skillgraph", "services", "training")
CORE = ("ontology", "skillgraph")

# Public exception classes that are not errors of the library, and why.
NOT_IN_TREE = {
    # An HTTP answer (status, headers, problem document) a view raises for the handler to write.
    "services.api.problems.ApiProblem",
}


def _modules():
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield root
        for info in pkgutil.walk_packages(root.__path__, package + "."):
            try:
                yield importlib.import_module(info.name)
            except ModuleNotFoundError as exc:  # an extra this environment lacks
                if (exc.name or "").split(".")[0] in PACKAGES:
                    raise
                continue


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module in _modules():
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__.split(".")[0] in PACKAGES
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


CLASSES = _exception_classes()
PUBLIC = {
    path: cls
    for path, cls in CLASSES.items()
    if not cls.__name__.startswith("_") and path not in NOT_IN_TREE
}


def _drawn_tree() -> dict[str, tuple[str | None, str | None]]:
    """Class name -> (the name it hangs from in the docstring's drawing, None for the root;
    the built-in it is drawn with, in brackets, if any)."""
    doc = skillgraph.errors.__doc__ or ""
    block = doc.split("::", 1)[1]
    parents: dict[str, tuple[str | None, str | None]] = {}
    stack: list[str] = []  # the names on the path to the current line, by depth
    for line in block.splitlines():
        if not line.strip():
            if parents:
                break  # the drawing ends at the first blank line after it
            continue
        match = re.match(r"^ *((?:[│ ]   )*)(?:[├└]── )?([A-Z]\w*)(?: \((\w+)\))?", line)
        assert match, f"not a line of the tree: {line!r}"
        depth = len(match.group(1)) // 4 + (1 if "── " in line else 0)
        name = match.group(2)
        del stack[depth:]
        parents[name] = (stack[-1] if stack else None, match.group(3))
        stack.append(name)
    return parents


def test_the_discovery_finds_the_known_errors():
    names = {cls.__name__ for cls in CLASSES.values()}
    assert {"SkillgraphError", "ConfigError", "BatchError", "RdfError", "TrainConfigError"} <= names
    assert len(PUBLIC) > 30


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_every_public_error_is_a_skillgraph_error(path):
    assert issubclass(PUBLIC[path], SkillgraphError), f"{path} is not rooted at SkillgraphError"


def test_the_allowed_exceptions_still_exist():
    assert set(CLASSES) >= NOT_IN_TREE, "drop stale entries from NOT_IN_TREE"


def test_there_is_one_root_class():
    roots = [cls for cls in CLASSES.values() if cls.__name__ == "SkillgraphError"]
    assert roots == [SkillgraphError]
    assert skillgraph.errors.SkillgraphError is SkillgraphError
    assert importlib.import_module("skillgraph").SkillgraphError is SkillgraphError


def test_the_docstring_draws_every_error_under_its_parent():
    drawn = _drawn_tree()
    assert drawn["SkillgraphError"] == (None, None)
    by_name = {cls.__name__: cls for cls in PUBLIC.values()}
    assert len(by_name) == len(PUBLIC), "two public errors share a name"
    core = {cls.__name__ for cls in PUBLIC.values() if cls.__module__.split(".")[0] in CORE}
    assert core - set(drawn) == set(), "core errors missing from the drawing"
    assert set(by_name) - set(drawn) == set(), "errors missing from the drawing"
    assert set(drawn) - set(by_name) == set(), "the drawing names errors that do not exist"
    for name, (parent, builtin) in drawn.items():
        if parent is not None:
            assert by_name[parent] in by_name[name].__bases__, f"{name} is not a {parent}"
        if builtin is not None:
            assert issubclass(by_name[name], getattr(builtins, builtin)), f"{name}: {builtin}"


def test_the_core_errors_live_in_skillgraph_errors():
    for cls in PUBLIC.values():
        if cls.__module__.split(".")[0] in CORE:
            assert cls.__module__ in ("ontology.errors", "skillgraph.errors"), cls
            assert getattr(skillgraph.errors, cls.__name__) is cls


@pytest.mark.parametrize(
    ("name", "builtin"),
    [
        ("ConfigError", ValueError),
        ("InputError", ValueError),
        ("UnknownConceptError", KeyError),
        ("ExampleNotFoundError", LookupError),
        ("EncoderError", RuntimeError),
        ("IndexBuildError", RuntimeError),
        ("DatastoreError", RuntimeError),
        ("EscoFormatError", ValueError),
        ("SnapshotError", ValueError),
        ("SourceFormatError", ValueError),
        ("GraphError", ValueError),
        ("CalibrationError", ValueError),
    ],
)
def test_errors_keep_the_builtin_callers_catch(name, builtin):
    assert issubclass(getattr(skillgraph.errors, name), builtin)


def test_the_old_homes_still_export_the_errors():
    from skillgraph.bounded_lines import RecordTooLargeError
    from skillgraph.config import ConfigError
    from skillgraph.encoders import EncoderError
    from skillgraph.memory import DatastoreError, ExampleNotFoundError, SourceFormatError
    from skillgraph.memory.errors import UnknownSkillError
    from skillgraph.procedure.graph_format import GraphFormatError
    from skillgraph.reader.graph import GraphError

    for cls in (
        RecordTooLargeError,
        ConfigError,
        EncoderError,
        DatastoreError,
        ExampleNotFoundError,
        SourceFormatError,
        UnknownSkillError,
        GraphFormatError,
        GraphError,
    ):
        assert getattr(skillgraph.errors, cls.__name__) is cls


def test_a_concept_error_reads_as_its_message():
    error = skillgraph.errors.UnknownConceptError("http://x/1", "skill", "ESCO v1.2")
    assert str(error) == "unknown ESCO skill in ESCO v1.2: http://x/1"
