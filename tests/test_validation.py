"""Ecosystem checks without network: what HACS, hassfest and Home Assistant's frontend expect.

HACS and hassfest only run on GitHub; these tests catch the same mistakes in every local run, plus
what neither checks for a custom integration: that translations/en.json holds exactly the strings
the code can show (a missing one shows the user a raw key, an unused one is dead text translators
still translate), that services.yaml describes the registered actions, and that quality_scale.yaml
lists every rule.

The strings the code uses are found by reading its source with `ast`. Step ids, menu options, form
errors, abort reasons and exception keys are followed through constants, helper functions and
parameters; a string the reader cannot follow fails the test rather than passing unchecked.
"""

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
import importlib
from importlib import metadata
import importlib.util
import inspect
import json
from pathlib import Path
import re
import shutil
import struct
import types
from types import ModuleType
import typing
from typing import Any
from urllib.parse import urlsplit
import zipfile

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from packaging.requirements import Requirement
import pytest
import voluptuous as vol

from custom_components import blink_care
from custom_components.blink_care import PLATFORMS, config_flow, repairs
from custom_components.blink_care.const import DOMAIN
from custom_components.blink_care.entity import DeviceEntityDescription
from custom_components.blink_care.issues import DATA_ENTRY_ID, DATA_SERIAL, IssueCause
from custom_components.blink_care.troubleshooting import DATA_SYMPTOM, Symptom
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigFlow, OptionsFlow
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.entity import EntityDescription
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

PACKAGE = blink_care.__name__
INTEGRATION_DIR = Path(blink_care.__file__).parent
REPO_DIR = INTEGRATION_DIR.parent.parent
TRANSLATIONS_DIR = INTEGRATION_DIR / "translations"

type KeyPath = tuple[str, ...]
type FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _load_yaml(path: Path) -> dict[str, Any]:
    return dict(load_yaml_dict(str(path)))


def leaf_paths(tree: Mapping[str, Any], prefix: KeyPath = ()) -> dict[KeyPath, Any]:
    """Every string of a translations (or icons) tree, by its key path."""
    leaves: dict[KeyPath, Any] = {}
    for key, value in tree.items():
        path = (*prefix, key)
        if isinstance(value, Mapping):
            leaves.update(leaf_paths(value, path))
        else:
            leaves[path] = value
    return leaves


def _dotted(paths: Iterable[KeyPath]) -> list[str]:
    return sorted(".".join(path) for path in paths)


# --------------------------------------------------------------------------------------------
# hacs.json
# --------------------------------------------------------------------------------------------

# HACS_MANIFEST_JSON_SCHEMA in hacs/integration custom_components/hacs/utils/validate.py: any other
# key fails HACS' hacsjson check.
HACS_KEYS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "homeassistant": (str,),
    "hacs": (str,),
    "zip_release": (bool,),
    "filename": (str,),
    "hide_default_branch": (bool,),
    "content_in_root": (bool,),
    "country": (str, list),
    "persistent_directory": (str,),
    "render_readme": (bool,),
}
# Home Assistant serves brand images from the integration's own brand/ folder since 2026.3.
LOCAL_BRAND_IMAGES_SINCE = AwesomeVersion("2026.3.0")


def hacs_json() -> dict[str, Any]:
    """The repository's hacs.json."""
    data: dict[str, Any] = _load_json(REPO_DIR / "hacs.json")
    return data


def minimum_home_assistant() -> AwesomeVersion:
    """The oldest Home Assistant the integration claims to support (hacs.json)."""
    return AwesomeVersion(hacs_json()["homeassistant"])


def test_hacs_json_has_only_keys_hacs_knows() -> None:
    """HACS refuses the repository for an unknown key or a value of the wrong type."""
    data = hacs_json()
    assert set(data) <= set(HACS_KEYS), f"unknown keys: {sorted(set(data) - set(HACS_KEYS))}"
    wrong_types = {
        key: type(value).__name__
        for key, value in data.items()
        if not isinstance(value, HACS_KEYS[key])
    }
    assert not wrong_types, f"keys with a value of the wrong type: {wrong_types}"
    assert data["name"].strip()
    if data.get("zip_release"):
        assert data.get("filename"), "zip_release needs the asset's filename"


def test_hacs_json_minimum_home_assistant_serves_the_brand_images() -> None:
    """The minimum is a real version, new enough to show the icon shipped in brand/."""
    version = minimum_home_assistant()
    assert version.strategy is AwesomeVersionStrategy.CALVER, version
    assert version >= LOCAL_BRAND_IMAGES_SINCE


# --------------------------------------------------------------------------------------------
# manifest.json
# --------------------------------------------------------------------------------------------

# Keys hassfest's manifest schema accepts for a custom integration (unknown keys are errors).
MANIFEST_KEYS = {
    "domain",
    "name",
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
GITHUB_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9_.-]+)?$")


def manifest() -> dict[str, Any]:
    """The integration's manifest.json, keys in file order."""
    data: dict[str, Any] = _load_json(INTEGRATION_DIR / "manifest.json")
    return data


def test_manifest_keys_are_known_and_in_hassfest_order() -> None:
    """hassfest: domain, name, then the rest alphabetically; no key it does not know."""
    keys = list(manifest())
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert set(keys) <= MANIFEST_KEYS, f"unknown keys: {sorted(set(keys) - MANIFEST_KEYS)}"


def test_manifest_values() -> None:
    """What HACS and hassfest check, and what this integration is (a cloud-polling hub)."""
    data = manifest()
    assert data["domain"] == DOMAIN == INTEGRATION_DIR.name
    assert data["name"].strip()
    assert SEMVER.match(data["version"]), data["version"]
    for key in ("documentation", "issue_tracker"):
        url = urlsplit(data[key])
        assert url.scheme == "https", f"{key} is not https"
        assert url.netloc, f"{key} has no host"
        assert url.netloc != "www.home-assistant.io", f"{key} points at Home Assistant's site"
    assert isinstance(data["codeowners"], list)
    assert data["codeowners"]
    assert all(GITHUB_HANDLE.match(owner) for owner in data["codeowners"]), data["codeowners"]
    assert data["config_flow"] is True
    assert (INTEGRATION_DIR / "config_flow.py").is_file()
    assert data["integration_type"] == "hub"
    assert data["iot_class"] == "cloud_polling"
    assert data["loggers"] == ["blinkpy"]


def test_manifest_requires_blinkpy_as_a_lower_bound() -> None:
    """`blinkpy>=X`, never a pin: a pin would fight Home Assistant's own Blink integration."""
    requirements = manifest()["requirements"]
    assert len(requirements) == 1, requirements
    text = requirements[0]
    assert " " not in text, "hassfest refuses spaces in requirements"
    requirement = Requirement(text)
    assert requirement.name == "blinkpy"
    assert [spec.operator for spec in requirement.specifier] == [">="], text
    installed = metadata.version("blinkpy")
    assert requirement.specifier.contains(installed), f"the tests run blinkpy {installed}"


# --------------------------------------------------------------------------------------------
# Brand images
# --------------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BRAND_DIR = INTEGRATION_DIR / "brand"
# Files Home Assistant serves from brand/ (docs/core/integration/brand_images.md).
BRAND_FILES = {
    f"{kind}{size}.png"
    for kind in ("icon", "dark_icon", "logo", "dark_logo")
    for size in ("", "@2x")
}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (it always comes first)."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR", f"{path.name} has no IHDR chunk first"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icon(name: str, size: int) -> None:
    """HACS' brands check and Home Assistant's brand proxy want these two, square."""
    assert png_size(BRAND_DIR / name) == (size, size)


def test_brand_folder_holds_only_images_home_assistant_serves() -> None:
    """A misspelt file name is silently ignored by Home Assistant."""
    names = {path.name for path in BRAND_DIR.iterdir()}
    assert names <= BRAND_FILES, sorted(names - BRAND_FILES)
    for name in names:
        png_size(BRAND_DIR / name)


# --------------------------------------------------------------------------------------------
# Reading the source: which strings can an expression be?
# --------------------------------------------------------------------------------------------


class UnreadableSourceError(AssertionError):
    """The source computes a string this reader cannot follow back to its possible values."""


class SourceModule:
    """One module of the integration: its syntax tree, and the imported module for constants."""

    def __init__(self, module: ModuleType) -> None:
        """Parse the module's file."""
        self.module = module
        self.path = Path(inspect.getfile(module))
        self.tree = ast.parse(self.path.read_text(encoding="utf-8"))

    def where(self, node: ast.AST) -> str:
        """File and line, for failure messages."""
        return f"{self.path.relative_to(INTEGRATION_DIR)}:{getattr(node, 'lineno', '?')}"

    def module_functions(self) -> list[SourceFunction]:
        """The functions defined at the top level of the module."""
        return [
            SourceFunction(node, self)
            for node in self.tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]

    def all_functions(self) -> list[SourceFunction]:
        """Every function and method of the module, nested ones included."""
        return [
            SourceFunction(node, self)
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]

    def methods(self, class_name: str) -> list[SourceFunction]:
        """The methods a top-level class defines itself."""
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == class_name:
                return [
                    SourceFunction(item, self)
                    for item in node.body
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
        msg = f"no class {class_name} in {self.path.name}"
        raise UnreadableSourceError(msg)

    def calls(self) -> Iterator[tuple[ast.Call, SourceFunction]]:
        """Every call inside a function, with the innermost function it is in."""
        for function in self.all_functions():
            for node in _walk_own_body(function.node):
                if isinstance(node, ast.Call):
                    yield node, function


@dataclass(frozen=True)
class SourceFunction:
    """A function's syntax tree and the module it belongs to."""

    node: FunctionNode
    module: SourceModule

    @property
    def name(self) -> str:
        """The function's name."""
        return self.node.name


@cache
def source_module(name: str) -> SourceModule:
    """The parsed source of an integration module, by dotted name."""
    return SourceModule(importlib.import_module(name))


def integration_modules() -> list[SourceModule]:
    """Every Python module of the integration."""
    names = (
        ".".join((PACKAGE, *path.relative_to(INTEGRATION_DIR).with_suffix("").parts))
        for path in sorted(INTEGRATION_DIR.rglob("*.py"))
    )
    return [source_module(name.removesuffix(".__init__")) for name in names]


def _walk_own_body(function: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of a function, without descending into functions or lambdas nested in it."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}


def _callee_name(call: ast.Call) -> str | None:
    match call.func:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
    return None


def _as_strings(value: object) -> set[str] | None:
    """A constant's strings: a str (or StrEnum member), or a collection of them."""
    if isinstance(value, str):
        return {str(value)}
    if isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(item, str) for item in value
    ):
        return {str(item) for item in value}
    return None


_MISSING = object()


def _lookup(node: ast.expr, module: SourceModule) -> object:
    """The object a dotted name (`NAME` or `Enum.MEMBER`) refers to in the module."""
    match node:
        case ast.Name(id=name):
            return getattr(module.module, name, _MISSING)
        case ast.Attribute(value=base, attr=attr):
            owner = _lookup(base, module)
            return _MISSING if owner is _MISSING else getattr(owner, attr, _MISSING)
    return _MISSING


def _assigned_values(function: FunctionNode, name: str) -> list[ast.expr]:
    """What a local variable is given: assignments, and items added to a local list."""
    values: list[ast.expr] = []
    for node in _walk_own_body(function):
        match node:
            case ast.Assign(targets=targets, value=value) if any(
                isinstance(target, ast.Name) and target.id == name for target in targets
            ):
                values.append(value)
            case ast.AnnAssign(target=ast.Name(id=target), value=value) if (
                target == name and value is not None
            ):
                values.append(value)
            case ast.AugAssign(target=ast.Name(id=target), value=value) if target == name:
                values.append(value)
            case ast.Call(
                func=ast.Attribute(value=ast.Name(id=target), attr="append" | "extend"),
                args=[value],
            ) if target == name:
                values.append(value)
            case ast.Call(
                func=ast.Attribute(value=ast.Name(id=target), attr="insert"), args=[_, value]
            ) if target == name:
                values.append(value)
    return values


def _parameters(function: FunctionNode) -> list[str]:
    arguments = function.args
    return [arg.arg for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]


def _default(function: FunctionNode, parameter: str) -> ast.expr | None:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    offset = len(positional) - len(arguments.defaults)
    for index, arg in enumerate(positional):
        if arg.arg == parameter and index >= offset:
            return arguments.defaults[index - offset]
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if arg.arg == parameter:
            return default
    return None


def _argument(call: ast.Call, function: FunctionNode, parameter: str) -> ast.expr | None:
    """The expression a call passes for a parameter (None when it relies on the default)."""
    if parameter in (keywords := _keywords(call)):
        return keywords[parameter]
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if parameter not in positional:
        return None
    bound = isinstance(call.func, ast.Attribute) and positional[:1] in (["self"], ["cls"])
    index = positional.index(parameter) - int(bound)
    if index < len(call.args) and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return None


def _returned(function: FunctionNode) -> list[ast.expr]:
    return [
        node.value
        for node in _walk_own_body(function)
        if isinstance(node, ast.Return) and node.value is not None
    ]


def _literal(node: ast.expr, module: SourceModule) -> set[str] | None:
    """A string literal, or a module constant reached by attribute (`Enum.MEMBER`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Attribute):
        return _as_strings(_lookup(node, module))
    return None


def _alternatives(node: ast.expr) -> list[ast.expr] | None:
    """The sub-expressions whose strings an expression can be (`a if c else b`, `[a, b]`)."""
    match node:
        case ast.IfExp(body=body, orelse=orelse):
            return [body, orelse]
        case ast.BoolOp(values=operands):
            return list(operands)
        case ast.List(elts=items) | ast.Tuple(elts=items) | ast.Set(elts=items):
            return list(items)
        case ast.Starred(value=inner):
            return [inner]
    return None


def unreadable(node: ast.AST, function: SourceFunction) -> UnreadableSourceError:
    """The failure for an expression the reader cannot follow."""
    code = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
    return UnreadableSourceError(
        f"{function.module.where(node)}: cannot tell which strings `{code}` can be; "
        "use string constants there"
    )


class StringReader:
    """Follows an expression back to the strings it can evaluate to.

    It follows literals, conditional expressions, lists, module constants (StrEnum members
    included), local variables, the return values of called helpers, and a parameter's
    arguments at every call site among `functions`.
    """

    def __init__(self, functions: Sequence[SourceFunction]) -> None:
        """Read within these functions (a class with its helpers, or a whole module)."""
        self._functions = functions
        self._following: set[tuple[int, str]] = set()

    def values(self, node: ast.expr, function: SourceFunction) -> set[str]:
        """The strings `node`, written inside `function`, can be."""
        if (constant := _literal(node, function.module)) is not None:
            return constant
        if (alternatives := _alternatives(node)) is not None:
            return self.union(alternatives, function)
        if isinstance(node, ast.Name):
            return self._name(node.id, node, function)
        if isinstance(node, ast.Call) and (name := _callee_name(node)) is not None:
            returned = [
                (value, helper)
                for helper in self._functions
                if helper.name == name
                for value in _returned(helper.node)
            ]
            if returned:
                return set().union(*(self.values(value, owner) for value, owner in returned))
        raise unreadable(node, function)

    def union(self, nodes: Sequence[ast.expr], function: SourceFunction) -> set[str]:
        """The strings any of `nodes` can be."""
        return set().union(*(self.values(item, function) for item in nodes))

    def _name(self, name: str, node: ast.expr, function: SourceFunction) -> set[str]:
        assigned = _assigned_values(function.node, name)
        if assigned:
            return self.union(assigned, function)
        if name in _parameters(function.node):
            return self._arguments(function, name)
        constant = _as_strings(getattr(function.module.module, name, _MISSING))
        if constant is not None:
            return constant
        raise unreadable(node, function)

    def _arguments(self, function: SourceFunction, parameter: str) -> set[str]:
        """A parameter's strings: what every call site passes (or the default)."""
        key = (id(function.node), parameter)
        if key in self._following:  # a recursive call: the other call sites give the values
            return set()
        self._following.add(key)
        try:
            found: set[str] = set()
            call_sites = 0
            for caller in self._functions:
                for node in _walk_own_body(caller.node):
                    if not (isinstance(node, ast.Call) and _callee_name(node) == function.name):
                        continue
                    call_sites += 1
                    argument = _argument(node, function.node, parameter)
                    if argument is None:
                        default = _default(function.node, parameter)
                        if default is None:
                            raise unreadable(node, caller)
                        found |= self.values(default, function)
                    else:
                        found |= self.values(argument, caller)
            if not call_sites:
                msg = f"{function.module.where(function.node)}: no call of {function.name}()"
                raise UnreadableSourceError(msg)
            return found
        finally:
            self._following.discard(key)


# --------------------------------------------------------------------------------------------
# Flows (config, options, repairs): the strings each can show
# --------------------------------------------------------------------------------------------


@dataclass
class FlowStep:
    """A step a flow shows: its form fields or its menu options."""

    fields: set[str] = field(default_factory=set)
    menu_options: set[str] = field(default_factory=set)


@dataclass
class FlowStrings:
    """Every string key one flow handler can show, by kind."""

    steps: dict[str, FlowStep] = field(default_factory=dict)
    errors: set[str] = field(default_factory=set)
    aborts: set[str] = field(default_factory=set)
    possible_aborts: set[str] = field(default_factory=set)
    progress: set[str] = field(default_factory=set)
    create_entry: set[str] = field(default_factory=set)

    def step(self, step_ids: set[str]) -> list[FlowStep]:
        """The steps with these ids, created on first use."""
        return [self.steps.setdefault(step_id, FlowStep()) for step_id in step_ids]


# Before Home Assistant 2026.10 these default abort reasons came from the integration's own
# translations; 2026.10 translates them itself (read in 2026.8.3 and 2026.10.4).
OWN_DEFAULT_ABORTS_BEFORE = AwesomeVersion("2026.10.0")


def _schema_fields(node: ast.expr, module: SourceModule) -> set[str]:
    """Field names of the module-level voluptuous schemas a data_schema expression uses.

    A schema built inside the function (labels such as device names) has no fixed fields, so it
    yields none: its labels cannot be translated.
    """
    fields: set[str] = set()
    for name in ast.walk(node):
        if isinstance(name, ast.Name):
            schema = getattr(module.module, name.id, None)
            if isinstance(schema, vol.Schema):
                fields |= {str(getattr(key, "schema", key)) for key in schema.schema}
    return fields


@dataclass(frozen=True)
class FlowCall:
    """One call inside a flow method, with a way to read its keyword arguments."""

    node: ast.Call
    method: SourceFunction
    reader: StringReader

    def values(self, keyword: str, default: str | None = None) -> set[str]:
        """The strings a keyword argument can be, or the default when it is not passed."""
        keywords = _keywords(self.node)
        if keyword in keywords:
            return self.reader.values(keywords[keyword], self.method)
        if default is None:
            raise unreadable(self.node, self.method)
        return {default}


class FlowReader:
    """Reads the strings of one flow handler class and its bases within the integration."""

    def __init__(self, handler: type) -> None:
        """Collect the methods of the class and its integration bases, with module helpers."""
        classes = [cls for cls in handler.__mro__ if cls.__module__.startswith(PACKAGE)]
        modules = {source_module(cls.__module__) for cls in classes}
        methods = [
            method
            for cls in classes
            for method in source_module(cls.__module__).methods(cls.__name__)
        ]
        helpers = [function for module in modules for function in module.module_functions()]
        self._reader = StringReader([*methods, *helpers])
        self._method_names = {method.name for method in methods}
        self._own_defaults = minimum_home_assistant() < OWN_DEFAULT_ABORTS_BEFORE
        self.flow = FlowStrings()
        readers = {
            "async_show_form": self._show_form,
            "async_show_menu": self._show_menu,
            "async_show_progress": self._show_progress,
            "async_create_entry": self._create_entry,
            "async_abort": self._abort,
            "_abort_if_unique_id_mismatch": self._abort_on_mismatch,
            "_abort_if_unique_id_configured": self._abort_if_configured,
            "async_set_unique_id": self._set_unique_id,
            "async_update_reload_and_abort": self._update_and_abort,
            "async_update_and_abort": self._update_and_abort,
        }
        for method in methods:
            for node in _walk_own_body(method.node):
                if isinstance(node, ast.Assign):
                    self._read_error_assignment(node, method)
                elif isinstance(node, ast.Call) and (name := _callee_name(node)) in readers:
                    readers[name](FlowCall(node, method, self._reader))

    def _read_error_assignment(self, node: ast.Assign, method: SourceFunction) -> None:
        """`errors[...] = <key>`: a form error."""
        if any(
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "errors"
            for target in node.targets
        ):
            self.flow.errors |= self._reader.values(node.value, method)

    def _show_form(self, call: FlowCall) -> None:
        keywords = _keywords(call.node)
        fields = _schema_fields(keywords.get("data_schema", ast.Constant(None)), call.method.module)
        for step in self.flow.step(call.values("step_id")):
            step.fields |= fields
        if isinstance(errors := keywords.get("errors"), ast.Dict):
            self.flow.errors |= self._reader.union(errors.values, call.method)

    def _show_menu(self, call: FlowCall) -> None:
        options = call.values("menu_options")
        for step in self.flow.step(call.values("step_id")):
            step.menu_options |= options

    def _show_progress(self, call: FlowCall) -> None:
        self.flow.step(call.values("step_id"))
        self.flow.progress |= call.values("progress_action")

    def _create_entry(self, call: FlowCall) -> None:
        if "description" in _keywords(call.node):
            self.flow.create_entry |= call.values("description")

    def _abort(self, call: FlowCall) -> None:
        self.flow.aborts |= call.values("reason")

    def _abort_on_mismatch(self, call: FlowCall) -> None:
        self.flow.aborts |= call.values("reason", "unique_id_mismatch")

    def _abort_if_configured(self, call: FlowCall) -> None:
        self.flow.aborts |= call.values("error", "already_configured")

    def _set_unique_id(self, call: FlowCall) -> None:
        """Aborts when another flow is in progress with this id; allowed, not required.

        Only a flow that keeps its unique id while it waits for the user can be "in progress"
        with it, and whether one does is beyond what reading one call can tell.
        """
        raise_on_progress = _keywords(call.node).get("raise_on_progress")
        if self._own_defaults and not (
            isinstance(raise_on_progress, ast.Constant) and not raise_on_progress.value
        ):
            self.flow.possible_aborts.add("already_in_progress")

    def _update_and_abort(self, call: FlowCall) -> None:
        """Its default reason depends on the flow's source (reauth or reconfigure)."""
        if "reason" in _keywords(call.node):
            self.flow.aborts |= call.values("reason")
        elif self._own_defaults:
            self.flow.aborts |= {
                reason
                for reason, step in (
                    ("reauth_successful", "async_step_reauth"),
                    ("reconfigure_successful", "async_step_reconfigure"),
                )
                if step in self._method_names
            }


def read_flow(handler: type) -> FlowStrings:
    """The strings a flow handler class can show."""
    return FlowReader(handler).flow


def config_flow_handlers() -> dict[str, list[type]]:
    """The config and options flow classes config_flow.py defines, by translations section."""
    handlers: dict[str, list[type]] = {"config": [], "options": []}
    for value in vars(config_flow).values():
        if not (isinstance(value, type) and value.__module__ == config_flow.__name__):
            continue
        if issubclass(value, ConfigFlow):
            handlers["config"].append(value)
        elif issubclass(value, OptionsFlow):
            handlers["options"].append(value)
    return handlers


async def fix_flow_handlers(hass: HomeAssistant) -> dict[str, set[type]]:
    """The fix-flow classes repairs.py hands out for each issue translation key.

    Asked of repairs.async_create_fix_flow itself, for an issue of every cause; the
    troubleshooting issue's flow depends on the symptom it stores, so every symptom is asked.
    """
    handlers: dict[str, set[type]] = {}
    for cause in IssueCause:
        symptoms = list(Symptom) if cause is IssueCause.TROUBLESHOOTING else [None]
        for symptom in symptoms:
            issue_id = f"{cause.value}_validation"
            data = {DATA_ENTRY_ID: "entry", DATA_SERIAL: "serial"}
            if symptom is not None:
                data[DATA_SYMPTOM] = symptom.value
            ir.async_create_issue(
                hass,
                DOMAIN,
                issue_id,
                is_fixable=True,
                severity=ir.IssueSeverity.WARNING,
                translation_key=cause.value,
                data=data,
            )
            flow = await repairs.async_create_fix_flow(hass, issue_id, dict(data))
            handlers.setdefault(cause.value, set()).add(type(flow))
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    return handlers


# --------------------------------------------------------------------------------------------
# Entities: descriptions, their attributes and the enums behind attribute values
# --------------------------------------------------------------------------------------------


def is_entity_description(value: object) -> bool:
    """An entity description, including one built directly from Home Assistant's own class.

    Those come out of Home Assistant's frozen-dataclass shim as a copy of the class, which
    isinstance() does not recognise, so the class name in the MRO decides.
    """
    return any(cls.__name__ == EntityDescription.__name__ for cls in type(value).__mro__)


def platform_descriptions() -> dict[str, list[EntityDescription]]:
    """Every entity description each platform module defines, alone or in a tuple."""
    found: dict[str, list[EntityDescription]] = {}
    for platform in PLATFORMS:
        module = importlib.import_module(f"{PACKAGE}.{platform.value}")
        descriptions: dict[int, EntityDescription] = {}
        for value in vars(module).values():
            items = value if isinstance(value, tuple | list) else (value,)
            descriptions.update({id(item): item for item in items if is_entity_description(item)})
        found[platform.value] = list(descriptions.values())
    return found


def translation_keys(platform: str) -> dict[str, list[EntityDescription]]:
    """A platform's entity translation keys and the descriptions using each."""
    keys: dict[str, list[EntityDescription]] = {}
    for description in platform_descriptions()[platform]:
        if description.translation_key is not None:
            keys.setdefault(description.translation_key, []).append(description)
    return keys


def entity_states(platform: str, description: EntityDescription) -> set[str]:
    """The states an entity can have that are translated (and can have a state icon)."""
    if platform == "binary_sensor":
        return {"on", "off"}
    if platform == "sensor" and getattr(description, "device_class", None) == (
        SensorDeviceClass.ENUM
    ):
        return {str(option) for option in getattr(description, "options", None) or ()}
    return set()


def _without_none(hint: object) -> object:
    """`X | None` -> X; anything else unchanged (None for other unions)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kinds = [kind for kind in typing.get_args(hint) if kind is not type(None)]
        return kinds[0] if len(kinds) == 1 else None
    return hint


def _member_type(owner: object, attribute: str) -> object:
    """The annotated type of a dataclass field or property."""
    if not isinstance(owner, type):
        return None
    try:
        hints = typing.get_type_hints(owner)
    except NameError:  # annotations that only exist for type checkers
        return None
    if attribute in hints:
        return hints[attribute]
    member = getattr(owner, attribute, None)
    if isinstance(member, property) and member.fget is not None:
        return typing.get_type_hints(member.fget).get("return")
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _value_enum(
    node: ast.expr, function: types.FunctionType, tree: FunctionNode
) -> type[Enum] | None:
    """The enum an attribute value comes from, when it is `<typed expression>.value`."""
    hints = typing.get_type_hints(function)

    def type_of(expression: ast.expr) -> object:
        match expression:
            case ast.Name(id=name) if name in hints:
                return hints[name]
            case ast.Name(id=name):
                assigned = _assigned_values(tree, name)
                return type_of(assigned[0]) if len(assigned) == 1 else None
            case ast.Attribute(value=base, attr=attribute):
                return _member_type(_without_none(type_of(base)), attribute)
            case ast.IfExp(body=body, orelse=orelse) if _is_none(body) or _is_none(orelse):
                return type_of(orelse if _is_none(body) else body)
        return None

    if isinstance(node, ast.IfExp) and (_is_none(node.body) or _is_none(node.orelse)):
        node = node.orelse if _is_none(node.body) else node.body
    if isinstance(node, ast.Attribute) and node.attr == "value":
        owner = _without_none(type_of(node.value))
        if isinstance(owner, type) and issubclass(owner, Enum):
            return owner
    return None


def state_attributes(description: EntityDescription) -> dict[str, set[str]]:
    """The attributes an entity sets, each with its enum's values (empty when not an enum)."""
    attributes_fn = getattr(description, "attributes_fn", None)
    default = DeviceEntityDescription.__dataclass_fields__["attributes_fn"].default
    if attributes_fn is None or attributes_fn is default:
        return {}
    module = source_module(attributes_fn.__module__)
    function = next(
        (f for f in module.module_functions() if f.name == attributes_fn.__name__), None
    )
    if function is None:
        msg = f"{description.key}: attributes_fn must be a module-level function to be read"
        raise UnreadableSourceError(msg)
    attributes: dict[str, set[str]] = {}
    for returned in _returned(function.node):
        if not isinstance(returned, ast.Dict):
            msg = f"{module.where(returned)}: return the attributes as a dict literal"
            raise UnreadableSourceError(msg)
        for key, value in zip(returned.keys, returned.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                msg = f"{module.where(returned)}: attribute names must be string literals"
                raise UnreadableSourceError(msg)
            enum = _value_enum(value, attributes_fn, function.node)
            attributes[key.value] = set() if enum is None else {str(m.value) for m in enum}
    return attributes


# --------------------------------------------------------------------------------------------
# What en.json must hold, and what it may hold
# --------------------------------------------------------------------------------------------


@dataclass
class ExpectedStrings:
    """Key paths en.json must have (the code shows them) and may have (optional labels)."""

    required: set[KeyPath] = field(default_factory=set)
    optional: set[KeyPath] = field(default_factory=set)

    def add_flow(self, prefix: KeyPath, flow: FlowStrings) -> None:
        """A flow's steps (titles, fields, menus), errors, aborts, progress and results."""
        for step_id, step in flow.steps.items():
            base = (*prefix, "step", step_id)
            self.optional |= {(*base, "title"), (*base, "description")}
            self.required |= {(*base, "data", name) for name in step.fields}
            self.optional |= {(*base, "data_description", name) for name in step.fields}
            self.required |= {(*base, "menu_options", option) for option in step.menu_options}
            self.optional |= {
                (*base, "menu_option_descriptions", option) for option in step.menu_options
            }
        for section, keys in (
            ("error", flow.errors),
            ("abort", flow.aborts),
            ("progress", flow.progress),
            ("create_entry", flow.create_entry),
        ):
            self.required |= {(*prefix, section, key) for key in keys}
        self.optional |= {(*prefix, "abort", key) for key in flow.possible_aborts}


def issue_translation_keys() -> set[str]:
    """Issue translation keys: IssueCause (the contract) and any literal passed to create_issue."""
    keys = {cause.value for cause in IssueCause}
    for module in integration_modules():
        reader = StringReader(module.all_functions())
        for call, function in module.calls():
            translation_key = _keywords(call).get("translation_key")
            if _callee_name(call) != "async_create_issue" or translation_key is None:
                continue
            try:
                keys |= reader.values(translation_key, function)
            except UnreadableSourceError:
                continue  # computed from IssueCause (issues.async_create)
    return keys


def exception_translation_keys() -> set[str]:
    """Keys of every exception raised with a translation: calls with translation_domain=."""
    keys: set[str] = set()
    for module in integration_modules():
        reader = StringReader(module.all_functions())
        for call, function in module.calls():
            keywords = _keywords(call)
            if "translation_domain" in keywords and "translation_key" in keywords:
                keys |= reader.values(keywords["translation_key"], function)
    return keys


def services_yaml() -> dict[str, Any]:
    """The integration's services.yaml."""
    data: dict[str, Any] = _load_yaml(INTEGRATION_DIR / "services.yaml")
    return data


def _service_fields(spec: Mapping[str, Any] | None) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
    """(key path under the action, field spec) of every field, inside sections too."""
    for name, item in ((spec or {}).get("fields") or {}).items():
        if isinstance(item, Mapping) and "fields" in item:
            yield ("sections", name), dict(item)
            yield from _service_fields(item)
        else:
            yield ("fields", name), dict(item or {})


def _add_services(expected: ExpectedStrings) -> None:
    for service, spec in services_yaml().items():
        base = ("services", service)
        expected.required |= {(*base, "name"), (*base, "description")}
        for path, item in _service_fields(spec):
            expected.required.add((*base, *path, "name"))
            if path[0] == "fields":
                expected.required.add((*base, *path, "description"))
            select = (item.get("selector") or {}).get("select") or {}
            if "translation_key" in select:
                expected.required |= {
                    ("selector", select["translation_key"], "options", str(value))
                    for option in select.get("options", ())
                    for value in [option["value"] if isinstance(option, Mapping) else option]
                }


def _add_entities(expected: ExpectedStrings) -> None:
    for platform in platform_descriptions():
        for key, descriptions in translation_keys(platform).items():
            base = ("entity", platform, key)
            expected.required.add((*base, "name"))
            for description in descriptions:
                states = entity_states(platform, description)
                if platform == "sensor":
                    expected.required |= {(*base, "state", state) for state in states}
                    if getattr(description, "native_unit_of_measurement", None) is None:
                        expected.optional.add((*base, "unit_of_measurement"))
                else:
                    expected.optional |= {(*base, "state", state) for state in states}
                for attribute, values in state_attributes(description).items():
                    expected.optional.add((*base, "state_attributes", attribute, "name"))
                    expected.required |= {
                        (*base, "state_attributes", attribute, "state", value) for value in values
                    }


async def expected_strings(hass: HomeAssistant) -> ExpectedStrings:
    """Everything the integration can show, found in its code, services.yaml and fix flows."""
    expected = ExpectedStrings()
    for section, handlers in config_flow_handlers().items():
        for handler in handlers:
            expected.add_flow((section,), read_flow(handler))
    for key in issue_translation_keys():
        expected.required.add(("issues", key, "title"))
        expected.optional.add(("issues", key, "description"))
    for key, fix_flows in (await fix_flow_handlers(hass)).items():
        for fix_flow in fix_flows:
            expected.add_flow(("issues", key, "fix_flow"), read_flow(fix_flow))
    _add_entities(expected)
    _add_services(expected)
    expected.required |= {("exceptions", key, "message") for key in exception_translation_keys()}
    return expected


def english() -> dict[KeyPath, Any]:
    """translations/en.json, flattened to key paths."""
    return leaf_paths(_load_json(TRANSLATIONS_DIR / "en.json"))


async def test_en_json_has_every_string_the_code_shows(hass: HomeAssistant) -> None:
    """Steps, menus, errors, aborts, entities, states, actions, issues, fix flows, exceptions."""
    expected = await expected_strings(hass)
    missing = expected.required - english().keys()
    assert not missing, "missing from en.json:\n" + "\n".join(_dotted(missing))


async def test_en_json_has_no_unused_strings(hass: HomeAssistant) -> None:
    """Every string in en.json is shown by something; the rest is dead text to translate."""
    expected = await expected_strings(hass)
    unused = english().keys() - expected.required - expected.optional
    assert not unused, "unused in en.json:\n" + "\n".join(_dotted(unused))


def test_en_json_strings_are_text() -> None:
    """Every leaf is a non-empty string (hassfest's translations schema)."""
    bad = [path for path, value in english().items() if not (isinstance(value, str) and value)]
    assert not bad, _dotted(bad)


def test_every_home_assistant_error_raised_is_translated() -> None:
    """Only Home Assistant's errors carry translations; a message in code is not translated."""
    untranslated: list[str] = []
    for module in integration_modules():
        for call, _function in module.calls():
            raised = _lookup(call.func, module)
            if (
                isinstance(raised, type)
                and issubclass(raised, HomeAssistantError)
                and "translation_key" not in _keywords(call)
            ):
                untranslated.append(f"{module.where(call)}: {ast.unparse(call.func)}")
    assert not untranslated, untranslated


# --------------------------------------------------------------------------------------------
# services.yaml against the registered actions
# --------------------------------------------------------------------------------------------


async def registered_actions(hass: HomeAssistant) -> dict[str, Any]:
    """The actions the integration registers when it is set up, by name."""
    assert await async_setup_component(hass, DOMAIN, {})
    return dict(hass.services.async_services()[DOMAIN])


def _schema_items(schema: object) -> dict[object, object]:
    """A service schema's {marker: validator}, looking inside vol.All."""
    if isinstance(schema, vol.Schema) and isinstance(schema.schema, dict):
        return dict(schema.schema)
    for inner in getattr(schema, "validators", ()):
        if items := _schema_items(inner):
            return items
    return {}


def _allowed_values(validator: object) -> set[str] | None:
    """The values a vol.In (possibly inside vol.All) accepts."""
    if isinstance(validator, vol.In):
        return {str(value) for value in typing.cast("Iterable[object]", validator.container)}
    for inner in getattr(validator, "validators", ()):
        if (values := _allowed_values(inner)) is not None:
            return values
    return None


async def test_services_yaml_describes_every_registered_action(hass: HomeAssistant) -> None:
    """Same actions, same fields, same required flags and select options as the schemas."""
    actions = await registered_actions(hass)
    described = services_yaml()
    assert set(described) == set(actions)
    for name, service in actions.items():
        fields = {path[-1]: spec for path, spec in _service_fields(described[name])}
        schema = _schema_items(service.schema)
        markers = {str(getattr(marker, "schema", marker)): marker for marker in schema}
        assert set(fields) == set(markers), name
        for field_name, marker in markers.items():
            spec = fields[field_name]
            required = isinstance(marker, vol.Required)
            assert bool(spec.get("required")) is required, f"{name}.{field_name} required"
            allowed = _allowed_values(schema[marker])
            select = (spec.get("selector") or {}).get("select")
            if allowed is not None or select is not None:
                options = {
                    str(option["value"] if isinstance(option, Mapping) else option)
                    for option in (select or {}).get("options", ())
                }
                assert options == allowed, f"{name}.{field_name} options"


# --------------------------------------------------------------------------------------------
# icons.json
# --------------------------------------------------------------------------------------------

ENTITY_ICON_KEYS = {"default", "state", "range", "state_attributes"}


async def test_icons_json_refers_to_real_actions_keys_and_states(hass: HomeAssistant) -> None:
    """An icon for a key, state or action that does not exist is silently never shown."""
    icons = _load_json(INTEGRATION_DIR / "icons.json")
    problems: list[str] = []
    assert set(icons) <= {"entity", "services"}, set(icons)
    for platform, entries in icons.get("entity", {}).items():
        keys = translation_keys(platform) if platform in platform_descriptions() else {}
        for key, icon in entries.items():
            if key not in keys:
                problems.append(f"entity.{platform}.{key}: no such translation key")
                continue
            states = set().union(*(entity_states(platform, d) for d in keys[key]))
            attributes: dict[str, set[str]] = {}
            for description in keys[key]:
                attributes.update(state_attributes(description))
            problems.extend(
                f"entity.{platform}.{key}.{extra}: unknown icon key"
                for extra in set(icon) - ENTITY_ICON_KEYS
            )
            problems.extend(
                f"entity.{platform}.{key}.state.{state}: not a state of it"
                for state in set(icon.get("state", {})) - states
            )
            for attribute, attribute_icon in icon.get("state_attributes", {}).items():
                if attribute not in attributes:
                    problems.append(f"entity.{platform}.{key}.state_attributes.{attribute}")
                    continue
                problems.extend(
                    f"entity.{platform}.{key}.state_attributes.{attribute}.state.{state}"
                    for state in set(attribute_icon.get("state", {})) - attributes[attribute]
                )
    actions = await registered_actions(hass)
    for service, icon in icons.get("services", {}).items():
        if service not in actions:
            problems.append(f"services.{service}: no such action")
        problems.extend(
            f"services.{service}.{extra}: unknown icon key"
            for extra in set(icon) - {"service", "sections"}
        )
    problems.extend(
        f"{'.'.join(path)}: {value!r} is not an mdi: icon"
        for path, value in leaf_paths(icons).items()
        if not (isinstance(value, str) and value.startswith("mdi:"))
    )
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# Other languages
# --------------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def other_languages() -> list[Path]:
    """Every translation file besides English."""
    return sorted(path for path in TRANSLATIONS_DIR.glob("*.json") if path.name != "en.json")


@pytest.mark.parametrize("path", other_languages(), ids=lambda path: path.stem)
def test_other_language_has_exactly_the_english_strings(path: Path) -> None:
    """Same key paths as en.json, and the same {placeholders} in every string."""
    reference = english()
    translated = leaf_paths(_load_json(path))
    missing = reference.keys() - translated.keys()
    extra = translated.keys() - reference.keys()
    assert not missing, f"missing in {path.name}:\n" + "\n".join(_dotted(missing))
    assert not extra, f"not in en.json but in {path.name}:\n" + "\n".join(_dotted(extra))
    wrong = [
        ".".join(key)
        for key, text in translated.items()
        if set(PLACEHOLDER.findall(str(text))) != set(PLACEHOLDER.findall(str(reference[key])))
    ]
    assert not wrong, f"placeholders differ from en.json in {path.name}: {sorted(wrong)}"


# --------------------------------------------------------------------------------------------
# quality_scale.yaml
# --------------------------------------------------------------------------------------------

# ALL_RULES of home-assistant/core script/hassfest/quality_scale.py, copied from core commit
# 008538e8 (the 2026 list, with docs-conditions and docs-triggers, which older lists lack; the
# exact Home Assistant release it shipped in could not be pinned). 54 rules.
QUALITY_SCALE_RULES: dict[str, tuple[str, ...]] = {
    "bronze": (
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ),
    "silver": (
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ),
    "gold": (
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ),
    "platinum": ("async-dependency", "inject-websession", "strict-typing"),
}


def test_quality_scale_lists_every_rule_done_or_exempt_with_a_reason() -> None:
    """Platinum: every rule of every tier is done or exempt, each with a comment saying why."""
    rules = _load_yaml(INTEGRATION_DIR / "quality_scale.yaml")["rules"]
    known = {rule for tier in QUALITY_SCALE_RULES.values() for rule in tier}
    assert set(rules) == known, {
        "unknown": sorted(set(rules) - known),
        "missing": sorted(known - set(rules)),
    }
    problems = [
        f"{rule}: {entry.get('status') if isinstance(entry, Mapping) else entry!r} - "
        f"{entry.get('comment') if isinstance(entry, Mapping) else 'no comment'}"
        for rule, entry in rules.items()
        if not (
            isinstance(entry, Mapping)
            and entry.get("status") in {"done", "exempt"}
            and isinstance(entry.get("comment"), str)
            and entry["comment"].strip()
        )
    ]
    assert not problems, "not done or exempt with a comment:\n" + "\n".join(problems)


def _session_factories_called() -> dict[str, set[str]]:
    """Per integration module, the HTTP session factories its code calls."""
    factories = {"async_create_clientsession", "async_get_clientsession", "ClientSession"}
    called: dict[str, set[str]] = {}
    for path in INTEGRATION_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (name := _callee_name(node)) in factories:
                called.setdefault(path.relative_to(INTEGRATION_DIR).as_posix(), set()).add(name)
    return called


def test_quality_scale_inject_websession_matches_how_sessions_are_made() -> None:
    """inject-websession is done exactly when every session comes from Home Assistant's helpers.

    (blinkpy takes the session it is given; the integration makes it with
    async_create_clientsession, so Home Assistant owns and closes it.)
    """
    called = _session_factories_called()
    own_sessions = sorted(module for module, names in called.items() if "ClientSession" in names)
    assert not own_sessions, f"sessions made without Home Assistant's helpers in {own_sessions}"
    assert any(
        names & {"async_create_clientsession", "async_get_clientsession"}
        for names in called.values()
    )
    rule = _load_yaml(INTEGRATION_DIR / "quality_scale.yaml")["rules"]["inject-websession"]
    assert rule["status"] == "done", rule


def test_quality_scale_names_every_entity_disabled_by_default() -> None:
    """The entity-disabled-by-default claim names each entity that starts disabled."""
    english_names = _load_json(TRANSLATIONS_DIR / "en.json")["entity"]
    disabled = sorted(
        english_names[platform][description.translation_key]["name"]
        for platform, descriptions in platform_descriptions().items()
        for description in descriptions
        if description.entity_registry_enabled_default is False and description.translation_key
    )
    assert disabled, "no entity is disabled by default: the rule's claim would be empty"
    comment = _load_yaml(INTEGRATION_DIR / "quality_scale.yaml")["rules"][
        "entity-disabled-by-default"
    ]["comment"].casefold()
    assert [name for name in disabled if name.casefold() not in comment] == []


def test_quality_scale_names_every_repair_issue() -> None:
    """The repair-issues claim names every kind of issue the integration raises."""
    comment = _load_yaml(INTEGRATION_DIR / "quality_scale.yaml")["rules"]["repair-issues"][
        "comment"
    ]
    assert [key for key in sorted(issue_translation_keys()) if key not in comment] == []


# --------------------------------------------------------------------------------------------
# GitHub: workflows, issue templates, release asset
# --------------------------------------------------------------------------------------------

WORKFLOWS_DIR = REPO_DIR / ".github" / "workflows"
ISSUE_TEMPLATES_DIR = REPO_DIR / ".github" / "ISSUE_TEMPLATE"
ENV_SCRIPT = REPO_DIR / "scripts" / "_env.sh"


def workflow(name: str) -> dict[Any, Any]:
    """A workflow file, parsed; YAML 1.1 reads the `on:` key as True, so it is renamed back."""
    data: dict[Any, Any] = _load_yaml(WORKFLOWS_DIR / name)
    if True in data:
        data["on"] = data.pop(True)
    return data


def workflow_steps(data: Mapping[Any, Any]) -> list[dict[str, Any]]:
    """Every step of every job."""
    return [step for job in data["jobs"].values() for step in job["steps"]]


def steps_using(data: Mapping[Any, Any], action: str) -> list[dict[str, Any]]:
    """The steps that use an action (`owner/repo[/path]`), at whatever ref."""
    return [step for step in workflow_steps(data) if step.get("uses", "").split("@")[0] == action]


def run_lines(data: Mapping[Any, Any]) -> list[str]:
    """The shell commands the workflow runs, line by line."""
    return [
        line.strip()
        for step in workflow_steps(data)
        for line in str(step.get("run", "")).splitlines()
        if line.strip()
    ]


def test_every_workflow_parses_and_names_its_triggers_and_jobs() -> None:
    names = sorted(path.name for path in WORKFLOWS_DIR.glob("*.y*ml"))
    assert names == ["release.yml", "tests.yml", "validate.yml"]
    for name in names:
        data = workflow(name)
        assert data["name"], name
        assert data["on"], name
        assert data["jobs"], name
        for job_name, job in data["jobs"].items():
            assert job["runs-on"], f"{name}: {job_name}"
            assert job["steps"], f"{name}: {job_name}"
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), f"{name}: {job_name}: {step}"


def test_validate_workflow_runs_hassfest_and_the_hacs_action_for_an_integration() -> None:
    data = workflow("validate.yml")
    assert {"push", "pull_request", "schedule"} <= set(data["on"])
    (hassfest,) = steps_using(data, "home-assistant/actions/hassfest")
    assert hassfest["uses"] == "home-assistant/actions/hassfest@master"
    (hacs,) = steps_using(data, "hacs/action")
    assert hacs["uses"].split("@")[1], "the HACS action needs a ref"
    # No ignored checks: the brand images ship with the integration.
    assert hacs["with"] == {"category": "integration"}
    # Both check the checked-out tree.
    assert len(steps_using(data, "actions/checkout")) == len(data["jobs"])


def _ha_versions_of_the_env_script() -> set[str]:
    """The HA_VERSION values scripts/_env.sh accepts for tests (dev is the dev server's)."""
    accepted = set(
        re.findall(r"^\s+(\w+)\) echo requirements/", ENV_SCRIPT.read_text(), re.MULTILINE)
    )
    assert "dev" in accepted, "scripts/_env.sh no longer maps HA_VERSION to requirement files"
    return accepted - {"dev"}


def test_tests_workflow_runs_lint_and_the_suite_on_both_supported_home_assistants() -> None:
    data = workflow("tests.yml")
    assert {"push", "pull_request"} <= set(data["on"])
    lines = run_lines(data)
    assert "scripts/lint" in lines
    (test_job,) = [job for job in data["jobs"].values() if "matrix" in job.get("strategy", {})]
    matrix = test_job["strategy"]["matrix"]["include"]
    assert {row["ha-version"] for row in matrix} == _ha_versions_of_the_env_script()
    assert test_job["env"]["HA_VERSION"] == "${{ matrix.ha-version }}"
    test_runs = [str(step["run"]) for step in test_job["steps"] if "run" in step]
    assert any(run.startswith("scripts/setup") for run in test_runs)
    assert any(run.startswith("scripts/test") for run in test_runs)
    # The coverage gate of .ci/run applies on the newest supported version.
    ci_run = (REPO_DIR / ".ci" / "run").read_text(encoding="utf-8")
    gate = re.search(r"--cov-fail-under=\d+", ci_run)
    assert gate is not None
    assert any(gate.group() in row["coverage"] for row in matrix if row["ha-version"] == "latest")
    # Python 3.14 on the runner: scripts/_env.sh then uses it directly.
    for step in steps_using(data, "actions/setup-python"):
        assert step["with"]["python-version"] == "3.14"


def _release_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "blink_care_release", REPO_DIR / "scripts" / "release.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_release_workflow_stamps_the_tag_and_attaches_the_zip_hacs_expects() -> None:
    data = workflow("release.yml")
    assert data["on"] == {"release": {"types": ["published"]}}
    lines = run_lines(data)
    assert 'python scripts/release.py "$TAG"' in lines
    filename = hacs_json()["filename"]
    assert any(line.startswith("gh release upload") and filename in line for line in lines)
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "write"}


def test_release_zip_holds_the_integration_at_its_root_with_the_tag_version(
    tmp_path: Path,
) -> None:
    """What HACS unpacks into custom_components/blink_care/: manifest.json at the zip's root."""
    release = _release_script()
    assert hacs_json()["zip_release"] is True
    assert release.hacs_filename(REPO_DIR) == hacs_json()["filename"] == f"{DOMAIN}.zip"
    copy = tmp_path / DOMAIN
    shutil.copytree(INTEGRATION_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "const.cpython-314.pyc").write_bytes(b"\0")
    version = release.version_from_tag("v1.4.2")
    release.stamp_version(copy / "manifest.json", version)
    out = tmp_path / hacs_json()["filename"]
    release.build_zip(copy, out)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        shipped_manifest = json.loads(archive.read("manifest.json"))
    expected = {
        path.relative_to(INTEGRATION_DIR).as_posix()
        for path in INTEGRATION_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert names == expected
    assert {"manifest.json", "__init__.py", "translations/en.json", "brand/icon.png"} <= names
    assert shipped_manifest == {**manifest(), "version": "1.4.2"}
    # The stamped manifest keeps hassfest's key order.
    assert list(shipped_manifest) == list(manifest())


@pytest.mark.parametrize("tag", ["1.4.2", "v2026.12.0", "v1.5.0b1", "v1.5.0rc2"])
def test_release_tags_that_make_a_version(tag: str) -> None:
    assert AwesomeVersion(_release_script().version_from_tag(tag)).valid


@pytest.mark.parametrize("tag", ["latest", "v1.2", "release-1.2.0", ""])
def test_release_refuses_a_tag_that_is_no_version(tag: str) -> None:
    release = _release_script()
    with pytest.raises(release.ReleaseError):
        release.version_from_tag(tag)


def test_bug_template_asks_for_diagnostics_versions_and_blink_models() -> None:
    template = _load_yaml(ISSUE_TEMPLATES_DIR / "bug.yml")
    fields = {item["id"]: item for item in template["body"] if "id" in item}
    for required in ("diagnostics", "home-assistant-version", "blink-care-version", "blink-models"):
        assert fields[required]["validations"]["required"] is True, required
    assert "Download diagnostics" in str(template["body"][0]["attributes"]["value"])
    for path in ISSUE_TEMPLATES_DIR.glob("*.yml"):
        assert _load_yaml(path), path.name
