"""Run-time stand-ins for `typing.NamedTuple`, `enum.Enum`/`IntEnum`, `cached_property`, and
the `datetime` classes without `import datetime`.

`ecr-doctor` with no arguments must start within 1.5x a bare interpreter (issue 2), and
`import typing` alone costs ~3 ms, `import enum` ~3 ms more (functools, collections,
operator; functools alone ~2 ms), and each `typing.NamedTuple` class ~0.15 ms
(`collections.namedtuple` compiles source per class) - together more than the whole budget.
Modules write

    from ecr_doctor.lite import TYPE_CHECKING, Enum, NamedTuple

Type checkers see the standard classes (below, under TYPE_CHECKING), so static checking is
exactly the standard library's. At run time the classes behave as ecr-doctor relies on (pinned
by tests/test_lite.py against the standard ones):

* records: tuple subclasses with named, defaulted fields, keyword construction, `_replace`,
  `_asdict`, `_fields`, `_field_defaults`, the standard repr, tuple equality and hashing, no
  per-instance attributes;
* `cached_property`: computed once per instance, then a plain attribute;
* enums: members are singletons and instances of their class, with `name` and `value`;
  the class iterates its members in definition order, `Cls[name]` and `Cls(value)` look them
  up; `IntEnum` members are ints (compare, sort, format and `str` as ints, as in 3.11+).

Standard library only; at run time it imports nothing but the C `_datetime` module: it is the
first thing every module loads.
"""

from __future__ import annotations

#: `typing.TYPE_CHECKING` without importing typing; type checkers treat any name spelt so as True.
TYPE_CHECKING = False


if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, Self


def _field_getter(index: int, name: str) -> property:
    def get(self: tuple[object, ...]) -> object:
        return tuple.__getitem__(self, index)

    get.__name__ = name
    return property(get, doc=f"Alias for field number {index}")


class _RecordMeta(type):
    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _RecordMeta:
        if namespace.get("_lite_root") or bases != (_Record,):
            # The root itself; or a subclass of a record, which is an ordinary subclass, as
            # with typing.NamedTuple.
            return super().__new__(mcls, name, bases, namespace)
        fields = tuple(namespace.get("__annotations__", {}))
        defaults: dict[str, object] = {}
        for field in fields:
            if field in namespace:
                defaults[field] = namespace.pop(field)
            elif defaults:
                raise TypeError(f"Non-default namedtuple field {field} cannot follow "
                                f"default field(s) {', '.join(defaults)}")
        for index, field in enumerate(fields):
            if field.startswith("_"):
                raise ValueError(f"Field names cannot start with an underscore: {field!r}")
            namespace[field] = _field_getter(index, field)
        namespace["__slots__"] = ()
        namespace["_fields"] = fields
        namespace["_field_defaults"] = defaults
        namespace["__match_args__"] = fields
        return super().__new__(mcls, name, bases, namespace)


class _Record(tuple[object, ...], metaclass=_RecordMeta):
    _lite_root = True
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _field_defaults: dict[str, object] = {}  # noqa: RUF012 (replaced per class, never mutated)

    def __new__(cls, *args: object, **kwargs: object) -> Self:
        fields = cls._fields
        given = len(args)
        if given == len(fields) and not kwargs:
            return tuple.__new__(cls, args)
        if given > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} positional arguments "
                            f"but {given} were given")
        values = list(args)
        defaults = cls._field_defaults
        for field in fields[given:]:
            if field in kwargs:
                values.append(kwargs.pop(field))
            elif field in defaults:
                values.append(defaults[field])
            else:
                raise TypeError(f"{cls.__name__}() missing required argument: {field!r}")
        for key in kwargs:
            if key in fields:
                raise TypeError(f"{cls.__name__}() got multiple values for argument {key!r}")
            raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
        return tuple.__new__(cls, values)

    @classmethod
    def _make(cls, iterable: Iterator[object] | tuple[object, ...] | list[object]) -> Self:
        values = tuple(iterable)
        if len(values) != len(cls._fields):
            raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(values)}")
        return tuple.__new__(cls, values)

    def _replace(self, **changes: object) -> Self:
        values = [changes.pop(f, v) for f, v in zip(self._fields, self, strict=True)]
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return tuple.__new__(type(self), values)

    def _asdict(self) -> dict[str, object]:
        return dict(zip(self._fields, self, strict=True))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self, strict=True))
        return f"{type(self).__name__}({inner})"

    def __getnewargs__(self) -> tuple[object, ...]:
        return tuple(self)


def _is_member(key: str, value: object) -> bool:
    # As in enum: every public attribute that is not a descriptor (method, property, ...).
    return not key.startswith("_") and not hasattr(value, "__get__")


class _EnumMeta(type):
    _member_map_: dict[str, Any]
    _value2member_map_: dict[object, Any]
    _member_names_: list[str]

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _EnumMeta:
        members = {k: v for k, v in namespace.items() if _is_member(k, v)}
        body = {k: v for k, v in namespace.items() if k not in members}
        cls = super().__new__(mcls, name, bases, body)
        if namespace.get("_lite_root"):
            return cls
        by_name: dict[str, Any] = {}
        by_value: dict[object, Any] = {}
        for key, value in members.items():
            member = cls._lite_new(value)  # type: ignore[attr-defined]
            object.__setattr__(member, "_name_", key)
            object.__setattr__(member, "_value_", value)
            by_name[key] = by_value.setdefault(value, member)  # an alias shares its member
            type.__setattr__(cls, key, by_name[key])
        type.__setattr__(cls, "_member_map_", by_name)
        type.__setattr__(cls, "_value2member_map_", by_value)
        type.__setattr__(cls, "_member_names_",
                         [k for k, v in by_name.items() if v._name_ == k])
        return cls

    def __iter__(cls) -> Iterator[Any]:
        return (cls._member_map_[name] for name in cls._member_names_)

    def __len__(cls) -> int:
        return len(cls._member_names_)

    def __contains__(cls, member: object) -> bool:
        return isinstance(member, cls) and cls._member_map_.get(
            getattr(member, "_name_", "")) is member

    def __getitem__(cls, name: str) -> Any:
        return cls._member_map_[name]

    def __call__(cls, value: object) -> Any:
        try:
            return cls._value2member_map_[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

    def __setattr__(cls, name: str, value: object) -> None:
        if name in cls.__dict__.get("_member_map_", ()):
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, value)

    def __repr__(cls) -> str:
        return f"<enum {cls.__name__!r}>"


class _LiteEnum(metaclass=_EnumMeta):
    _lite_root = True
    _name_: str
    _value_: Any

    @classmethod
    def _lite_new(cls, value: object) -> object:
        return object.__new__(cls)

    @property
    def name(self) -> str:
        return self._name_

    @property
    def value(self) -> Any:
        return self._value_

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot set {name!r} on an enum member")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self._name_}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __hash__(self) -> int:
        return hash(self._name_)

    def __reduce_ex__(self, protocol: object) -> tuple[object, tuple[object]]:
        return type(self), (self._value_,)

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self


class _LiteIntEnum(int, _LiteEnum):
    _lite_root = True

    @classmethod
    def _lite_new(cls, value: object) -> object:
        return int.__new__(cls, value)  # type: ignore[call-overload]

    def __repr__(self) -> str:
        return _LiteEnum.__repr__(self)

    # As IntEnum since Python 3.11: a member prints and formats as its number.
    def __str__(self) -> str:
        return int.__repr__(self)

    def __format__(self, spec: str) -> str:
        return int.__format__(self, spec)

    def __hash__(self) -> int:
        return int.__hash__(self)


class _LiteCachedProperty:
    """functools.cached_property without functools (which imports collections): computed on
    first access, then kept in the instance's __dict__, which shadows this non-data descriptor."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.__doc__ = func.__doc__
        self.attrname = func.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.attrname = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.attrname] = value
        return value


if TYPE_CHECKING:
    from datetime import UTC as UTC
    from datetime import datetime as datetime
    from datetime import timedelta as timedelta
    from datetime import timezone as timezone
else:
    try:
        # On CPython 3.11 `import datetime` first defines the whole pure-Python implementation
        # (~2 ms, plus math and operator), then replaces it with these C classes; taking them
        # straight from the C module gives the very same classes. 3.12+ skips the detour.
        from _datetime import UTC, datetime, timedelta, timezone
    except ImportError:  # an interpreter without the C module
        from datetime import UTC, datetime, timedelta, timezone

if TYPE_CHECKING:
    from enum import Enum as Enum
    from enum import IntEnum as IntEnum
    from functools import cached_property as cached_property
    from typing import NamedTuple as NamedTuple
else:
    cached_property = _LiteCachedProperty
    NamedTuple = _Record
    Enum = _LiteEnum
    IntEnum = _LiteIntEnum

__all__ = ["TYPE_CHECKING", "UTC", "Enum", "IntEnum", "NamedTuple", "cached_property", "datetime",
           "timedelta", "timezone"]
