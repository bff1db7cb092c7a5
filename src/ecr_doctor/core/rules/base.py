"""What a rule is, and what it is given. Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import NamedTuple

from ecr_doctor.core.dockerconfig import DockerConfig
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.model import Applicability, Finding, Fix, Location, Severity
from ecr_doctor.core.options import DEFAULT_OPTIONS, Options
from ecr_doctor.core.registries import Registry, classify, lookup_key
from ecr_doctor.core.resolution import AuthsByHost, Resolution, resolve


class RuleDoc(NamedTuple):
    what: str
    why: str
    fix: str
    example: str = ""
    references: tuple[str, ...] = ()


class Rule(NamedTuple):
    id: str
    name: str
    severity: Severity
    summary: str
    doc: RuleDoc
    fixable: Applicability | None
    #: None: the rule is fired elsewhere (scan, IAM, fix --profile), never on a config.
    check_fn: Callable[[Rule, Context], Iterable[Finding]] | None
    # Rules that read machine facts stay silent when the environment is unknown (browser).
    needs_machine: bool = False

    def check(self, ctx: Context) -> Iterable[Finding]:
        if self.check_fn is None or (self.needs_machine and not ctx.env.known):
            return ()
        return self.check_fn(self, ctx)

    def finding(
        self,
        message: str,
        location: Location,
        *,
        registry: str | None = None,
        fix: Fix | None = None,
        severity: Severity | None = None,
        details: Iterable[tuple[str, str]] = (),
    ) -> Finding:
        return Finding(
            rule_id=self.id,
            severity=self.severity if severity is None else severity,
            message=message,
            location=location,
            registry=registry,
            fix=fix,
            details=tuple(details),
        )


class Context:
    """Everything a rule may look at: the parsed config and the captured machine.

    A plain class rather than a tuple: registries and resolutions are derived once, lazily.
    """

    def __init__(self, config: DockerConfig, env: Environment,
                 options: Options = DEFAULT_OPTIONS) -> None:
        self.config = config
        self.env = env
        self.options = options

    def helper_location(self, host: str) -> Location:
        """Where the config sends `host` to a helper: its credHelpers key, else credsStore."""
        for entry in self.config.cred_helpers:
            if entry.key == host:
                return entry.location
        if self.config.creds_store is not None:
            return self.config.creds_store.location
        return self.at()

    def at(self, offset: int | None = None) -> Location:
        if offset is None:
            return Location(self.config.path, 1, 1)
        return self.config.location_of(offset)

    @cached_property
    def env_auth_keys(self) -> tuple[str, ...]:
        dac = self.env.docker_auth_config
        return dac.keys if dac is not None and dac.error is None else ()

    @cached_property
    def registries(self) -> tuple[Registry, ...]:
        """Every registry the config or the command line mentions, one per lookup key."""
        seen: dict[str, Registry] = {}
        keys = [e.key for e in self.config.auths] + [h.key for h in self.config.cred_helpers]
        keys += list(self.options.registries)
        for key in keys:
            registry = classify(key)
            seen.setdefault(lookup_key(registry.host), classify(lookup_key(registry.host)))
        return tuple(seen.values())

    @cached_property
    def ecr_registries(self) -> tuple[Registry, ...]:
        return tuple(r for r in self.registries if r.is_ecr)

    @cached_property
    def _auths(self) -> AuthsByHost:
        return AuthsByHost(self.config)

    def resolution(self, registry: Registry) -> Resolution:
        return self._resolutions[lookup_key(registry.host)]

    @cached_property
    def _resolutions(self) -> dict[str, Resolution]:
        return {
            lookup_key(r.host): resolve(self.config, lookup_key(r.host), self.env_auth_keys,
                                        auths=self._auths)
            for r in self.registries
        }


CheckFn = Callable[["Rule", "Context"], Iterable[Finding]]


class Family:
    """One rule family: an id prefix, one module, its rules in the order they are declared."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.rules: list[Rule] = []

    def rule(self, id: str, name: str, severity: Severity, summary: str, doc: RuleDoc,
             fixable: Applicability | None = None, needs_machine: bool = False,
             ) -> Callable[[CheckFn], Rule]:
        """Declare a check; the decorated function receives its own Rule to build findings."""

        def declare(func: CheckFn) -> Rule:
            return self._add(Rule(id, name, severity, summary, doc, fixable, func,
                                  needs_machine))

        return declare

    def declare(self, id: str, name: str, severity: Severity, summary: str, doc: RuleDoc,
                fixable: Applicability | None = None) -> Rule:
        """A rule fired elsewhere (a scan detector, the IAM checker, `fix --profile`): listed
        and explained like any other, never run on a Docker config."""
        return self._add(Rule(id, name, severity, summary, doc, fixable, None))

    def _add(self, made: Rule) -> Rule:
        if not made.id.startswith(self.prefix):
            raise ValueError(f"{made.id} does not belong to the {self.prefix} family")
        self.rules.append(made)
        return made

