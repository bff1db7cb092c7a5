"""ecr_doctor.lite behaves as the standard classes do, wherever ecr-doctor relies on them.

Each check builds the same class twice, once on the standard base and once on the lite one,
and compares what code can observe.
"""

from __future__ import annotations

import copy
import enum
import typing

import pytest

from ecr_doctor import lite


def records(base: type) -> type:
    class Point(base):  # type: ignore[valid-type,misc]
        """A point."""

        x: int
        y: int = 0
        label: str | None = None

        @property
        def norm(self) -> int:
            return abs(self.x) + abs(self.y)

        def __str__(self) -> str:
            return f"{self.x},{self.y}"

    return Point


STANDARD, LITE = records(typing.NamedTuple), records(lite.NamedTuple)


@pytest.mark.parametrize("args, kwargs", [
    ((1,), {}), ((1, 2), {}), ((1, 2, "a"), {}), ((), {"x": 3}), ((1,), {"label": "b"}),
    ((), {"y": 2, "x": 1}),
])
def test_records_construct_and_read_like_typing_namedtuple(args: tuple[object, ...],
                                                           kwargs: dict[str, object]) -> None:
    std, lit = STANDARD(*args, **kwargs), LITE(*args, **kwargs)
    assert tuple(std) == tuple(lit)
    assert (std.x, std.y, std.label, std.norm) == (lit.x, lit.y, lit.label, lit.norm)
    assert repr(std) == repr(lit) and str(std) == str(lit)
    assert std._asdict() == lit._asdict()
    assert std._replace(y=9) == lit._replace(y=9)
    assert STANDARD._make(std) == LITE._make(lit) and type(LITE._make(lit)) is LITE
    assert type(lit._replace(y=9)) is LITE
    assert hash(std) == hash(lit) and lit == std  # both compare as plain tuples
    assert LITE._fields == STANDARD._fields
    assert LITE._field_defaults == STANDARD._field_defaults
    assert LITE.__match_args__ == STANDARD.__match_args__
    assert LITE.__doc__ == "A point."


@pytest.mark.parametrize("args, kwargs", [
    ((), {}), ((1, 2, "a", 4), {}), ((1,), {"x": 2}), ((1,), {"z": 2}),
])
def test_records_reject_the_same_bad_calls(args: tuple[object, ...],
                                           kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        STANDARD(*args, **kwargs)
    with pytest.raises(TypeError):
        LITE(*args, **kwargs)


def test_records_are_immutable_and_copy() -> None:
    point = LITE(1, 2)
    with pytest.raises(AttributeError):
        point.x = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        point.other = 5  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        point._replace(z=1)
    assert copy.deepcopy(point) == point and copy.copy(point) == point
    match point:
        case LITE(x, y):
            assert (x, y) == (1, 2)
        case _:
            pytest.fail("positional match failed")


def test_a_default_before_a_required_field_is_refused() -> None:
    with pytest.raises(TypeError):
        class Bad(lite.NamedTuple):
            a: int = 1
            b: int


def enums(base: type, int_base: type) -> tuple[type, type]:
    class Colour(base):  # type: ignore[valid-type,misc]
        RED = "red"
        GREEN = "green"
        CRIMSON = "red"  # an alias

        @property
        def loud(self) -> str:
            return self.value.upper()

    class Level(int_base):  # type: ignore[valid-type,misc]
        LOW = 1
        HIGH = 3

        @classmethod
        def parse(cls, text: str) -> Level:
            return cls[text.upper()]

    return Colour, Level


(S_COLOUR, S_LEVEL), (L_COLOUR, L_LEVEL) = (enums(enum.Enum, enum.IntEnum),
                                            enums(lite.Enum, lite.IntEnum))


def test_enums_behave_like_the_standard_ones() -> None:
    for std, lit in ((S_COLOUR, L_COLOUR), (S_LEVEL, L_LEVEL)):
        assert [m.name for m in std] == [m.name for m in lit]
        assert [m.value for m in std] == [m.value for m in lit]
        assert len(std) == len(lit)
        for member in std:
            twin = lit[member.name]
            assert twin is lit(member.value) and isinstance(twin, lit)
            assert (repr(member), str(member), f"{member}") == (repr(twin), str(twin), f"{twin}")
            assert twin in lit and copy.deepcopy(twin) is twin
        with pytest.raises(ValueError):
            lit("nope")
        with pytest.raises(KeyError):
            lit["NOPE"]
    assert L_COLOUR.CRIMSON is L_COLOUR.RED and L_COLOUR.RED.loud == "RED"
    assert L_LEVEL.parse("high") is L_LEVEL.HIGH
    assert L_LEVEL.HIGH > L_LEVEL.LOW and L_LEVEL.HIGH == 3 and max(L_LEVEL) is L_LEVEL.HIGH
    assert sorted([L_LEVEL.HIGH, L_LEVEL.LOW]) == [L_LEVEL.LOW, L_LEVEL.HIGH]
    assert {L_COLOUR.RED: 1}[L_COLOUR.CRIMSON] == 1
    with pytest.raises(AttributeError):
        L_COLOUR.RED = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        L_COLOUR.RED.extra = 1  # type: ignore[attr-defined]


def test_cached_property_computes_once_per_instance() -> None:
    calls: list[int] = []

    class Box:
        def __init__(self, n: int) -> None:
            self.n = n

        @lite.cached_property
        def double(self) -> int:
            """Twice n."""
            calls.append(self.n)
            return self.n * 2

    a, b = Box(1), Box(2)
    assert (a.double, a.double, b.double) == (2, 2, 4)
    assert calls == [1, 2]
    assert Box.double.__doc__ == "Twice n."
