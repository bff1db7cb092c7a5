"""An Amazon ECS task definition as plain values with positions. Standard library only, no I/O.

Two shapes are read: what `aws ecs describe-task-definition` prints
(`{"taskDefinition": {...}, "tags": [...]}`) and the bare definition that
`aws ecs register-task-definition --cli-input-json` takes. Field names follow the ECS API
reference (RegisterTaskDefinition, ContainerDefinition).

Every value that rules quote keeps the offset of its JSON node, so findings point at
`path:line:col`. Duplicate keys are kept as the AWS CLI reads them: it loads
`--cli-input-json` with Python's json module, where the last of two equal keys wins; the
earlier ones are recorded so a rule can say which one was dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.jsonspan import JsonSyntaxError, LineIndex, Member, Node, parse
from ecr_doctor.core.model import Location
from ecr_doctor.core.secrets import Secret

if TYPE_CHECKING:
    from typing import Literal

    Shape = Literal["describe", "register"]

# What a task definition can hold: the ECS API caps a registration request far below this,
# so anything larger is not one (and would only cost time to parse).
MAX_TASKDEF_BYTES = 8 * 1024 * 1024


class TaskDefError(ValueError):
    """The text is not a task definition; `line`/`col` say where, when known."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message, self.line, self.col = message, line, col


class Located(NamedTuple):
    value: str
    offset: int


class EnvVar(NamedTuple):
    name: str
    value: Secret   # never shown: it may be a credential (see ECS008)
    offset: int     # of the value


class SecretRef(NamedTuple):
    """A `secrets` or `logConfiguration.secretOptions` entry: a name and an ARN or name."""

    name: str
    value_from: str
    offset: int


class Duplicate(NamedTuple):
    key: str
    offset: int     # of the key that is ignored
    where: str      # "the task definition" or "container web"


class ContainerDef(NamedTuple):
    position: int   # 0-based, in containerDefinitions
    name: str
    offset: int
    image: Located | None
    environment: tuple[EnvVar, ...]
    secrets: tuple[SecretRef, ...]
    secrets_offset: int | None
    repository_credentials: Located | None   # repositoryCredentials.credentialsParameter
    log_driver: Located | None
    log_secrets: tuple[SecretRef, ...]

    @property
    def label(self) -> str:
        return f'container "{self.name}"' if self.name else f"container #{self.position + 1}"


class TaskDefinition(NamedTuple):
    path: str
    shape: Shape
    family: str | None
    revision: int | None
    execution_role_arn: Located | None
    task_role_arn: Located | None
    requires_compatibilities: tuple[str, ...]
    compatibilities: tuple[str, ...]
    network_mode: str | None
    containers: tuple[ContainerDef, ...]
    duplicates: tuple[Duplicate, ...]
    lines: LineIndex
    offset: int

    def location(self, offset: int | None = None) -> Location:
        line, col = self.lines.line_col(self.offset if offset is None else offset)
        return Location(self.path, line, col)

    @property
    def launch_types(self) -> frozenset[str]:
        """Where the definition may run: what it requires, and (describe output) what ECS
        validated it for. Empty when the file says neither."""
        return frozenset(self.requires_compatibilities) | frozenset(self.compatibilities)


# --- reading JSON nodes ------------------------------------------------------------------


def _last(obj: Node, key: str) -> Member | None:
    found = None
    for member in obj.members:
        if member.key == key:
            found = member
    return found


def _string(obj: Node, key: str) -> Located | None:
    member = _last(obj, key)
    if member is None or member.value.kind != "string" or not member.value.value:
        return None
    return Located(str(member.value.value), member.value.start)


def _strings(obj: Node, key: str) -> tuple[str, ...]:
    member = _last(obj, key)
    if member is None or member.value.kind != "array":
        return ()
    return tuple(str(i.value) for i in member.value.items if i.kind == "string")


def _objects(obj: Node, key: str) -> tuple[Node, ...]:
    member = _last(obj, key)
    if member is None or member.value.kind != "array":
        return ()
    return tuple(i for i in member.value.items if i.kind == "object")


def _object(obj: Node, key: str) -> Node | None:
    member = _last(obj, key)
    return member.value if member is not None and member.value.kind == "object" else None


def _duplicates(obj: Node, where: str) -> list[Duplicate]:
    seen: dict[str, int] = {}
    ignored: list[Duplicate] = []
    for member in obj.members:
        if member.key in seen:
            ignored.append(Duplicate(member.key, seen[member.key], where))
        seen[member.key] = member.key_start
    return ignored


def _secret_refs(nodes: tuple[Node, ...]) -> tuple[SecretRef, ...]:
    refs = []
    for node in nodes:
        name, value_from = _string(node, "name"), _string(node, "valueFrom")
        if value_from is not None:
            refs.append(SecretRef(name.value if name else "", value_from.value,
                                  value_from.offset))
    return tuple(refs)


def _container(index: int, node: Node, duplicates: list[Duplicate]) -> ContainerDef:
    name = _string(node, "name")
    label = f'container "{name.value}"' if name else f"container #{index + 1}"
    duplicates += _duplicates(node, label)
    env = []
    for entry in _objects(node, "environment"):
        var = _string(entry, "name")
        value = _last(entry, "value")
        if var is not None and value is not None and value.value.kind == "string":
            env.append(EnvVar(var.value, Secret(str(value.value.value)), value.value.start))
    secrets_member = _last(node, "secrets")
    creds = _object(node, "repositoryCredentials")
    log = _object(node, "logConfiguration")
    return ContainerDef(
        position=index,
        name=name.value if name else "",
        offset=node.start,
        image=_string(node, "image"),
        environment=tuple(env),
        secrets=_secret_refs(_objects(node, "secrets")),
        secrets_offset=secrets_member.value.start if secrets_member is not None else None,
        repository_credentials=(_string(creds, "credentialsParameter")
                                if creds is not None else None),
        log_driver=_string(log, "logDriver") if log is not None else None,
        log_secrets=_secret_refs(_objects(log, "secretOptions")) if log is not None else (),
    )


def parse_task_definition(text: str, path: str) -> TaskDefinition:
    """The task definition in `text`; raises TaskDefError when it is not one."""
    lines = LineIndex(text)
    try:
        # A BOM (what some Windows editors write) read as one space keeps every offset.
        root = parse(" " + text[1:] if text.startswith("\ufeff") else text)
    except JsonSyntaxError as exc:
        raise TaskDefError(f"not valid JSON: {exc.message}", exc.line, exc.col) from None
    if root.kind != "object":
        raise TaskDefError("expected a JSON object (a task definition, or the output of "
                           "`aws ecs describe-task-definition`)")
    shape: Shape = "register"
    definition = root
    wrapped = _object(root, "taskDefinition")
    if wrapped is not None:
        shape, definition = "describe", wrapped
    containers_member = _last(definition, "containerDefinitions")
    if containers_member is None or containers_member.value.kind != "array":
        line, col = lines.line_col(definition.start)
        raise TaskDefError("no containerDefinitions array: not an ECS task definition",
                           line, col)
    duplicates = _duplicates(definition, "the task definition")
    containers = tuple(_container(i, node, duplicates) for i, node in
                       enumerate(n for n in containers_member.value.items
                                 if n.kind == "object"))
    revision = _last(definition, "revision")
    return TaskDefinition(
        path=path,
        shape=shape,
        family=_located_value(_string(definition, "family")),
        revision=(int(revision.value.value) if revision is not None
                  and revision.value.kind == "number"
                  and isinstance(revision.value.value, int) else None),
        execution_role_arn=_string(definition, "executionRoleArn"),
        task_role_arn=_string(definition, "taskRoleArn"),
        requires_compatibilities=_strings(definition, "requiresCompatibilities"),
        compatibilities=_strings(definition, "compatibilities"),
        network_mode=_located_value(_string(definition, "networkMode")),
        containers=containers,
        duplicates=tuple(sorted(duplicates, key=lambda d: d.offset)),
        lines=lines,
        offset=definition.start,
    )


def _located_value(located: Located | None) -> str | None:
    return located.value if located is not None else None

