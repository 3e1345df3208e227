"""How `rasd --help` shows parameter types: TEXT, INTEGER, PATH, as Typer and Click always have.

Typer 0.29 shows `<str>`, `<list[str]>`, `<bool>` beside every option (a flag included, though it
takes no value) and `{paths}...` in the usage line. The command classes here show the names Typer
users know instead: TEXT, INTEGER, FLOAT, PATH, `INTEGER RANGE`, nothing beside a flag, and
`PATHS...` in the usage line (issue 13 item 9). Typers that still render Click's names are left
as they are: only parameters of the 0.29 kind (with a `type_descriptor`) are touched.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, get_args

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

#: Click's names for the plain types.
_NAMES = {str: "TEXT", int: "INTEGER", float: "FLOAT", bool: "BOOLEAN", Path: "PATH", datetime: "DATETIME"}


def classic_type(param: Any) -> str:
    """The Click-style name of a parameter's type: TEXT, INTEGER, PATH, [a|b], INTEGER RANGE."""
    desc = param.type_descriptor
    if desc.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    if desc.is_path:
        return {"file": "FILE", "dir": "DIRECTORY"}.get(desc.path_type, "PATH")
    annotation = desc.annotation
    if desc.is_list and get_args(annotation):
        annotation = get_args(annotation)[0]
    name = _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)).upper())
    return f"{name} RANGE" if desc.is_ranged else name


class _ClassicOption(TyperOption):
    def display_type(self, ctx: Any) -> str:
        return classic_type(self)

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag and self.metavar is None:
            return None   # a flag takes no value: nothing to show
        return super().display_type_rich(ctx)


class _ClassicArgument(TyperArgument):
    def display_type(self, ctx: Any) -> str:
        return classic_type(self)

    def _usage_display_name(self) -> str:
        name = (self.metavar or self.name or "").upper()
        if self.nargs != 1:
            name += "..."
        return name if self.required else f"[{name}]"


def _classic_params(params: list) -> list:
    """Give the 0.29-style parameters the Click-style type display (in place; idempotent)."""
    for p in params:
        if not hasattr(p, "type_descriptor"):
            continue
        if type(p) is TyperOption:
            p.__class__ = _ClassicOption
        elif type(p) is TyperArgument:
            p.__class__ = _ClassicArgument
    return params


class ClassicCommand(TyperCommand):
    """A Typer command whose help shows TEXT / INTEGER / PATH."""

    def get_params(self, ctx: Any) -> list:
        return _classic_params(super().get_params(ctx))


class ClassicGroup(TyperGroup):
    """A Typer group whose help shows TEXT / INTEGER / PATH."""

    def get_params(self, ctx: Any) -> list:
        return _classic_params(super().get_params(ctx))


class ClassicTyper(typer.Typer):
    """`typer.Typer` whose group and commands show Click-style types in their help."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("cls", ClassicGroup)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("cls", ClassicCommand)
        return super().command(*args, **kwargs)


def type_label(param: Any) -> str:
    """The type a parameter's value has, as the help shows it (TEXT, INTEGER, PATH), or "" for a flag."""
    if getattr(param, "is_flag", False):
        return ""
    if hasattr(param, "type_descriptor"):
        return classic_type(param)
    return str(getattr(getattr(param, "type", None), "name", "") or "").upper()   # Typers before 0.29: Click's type
