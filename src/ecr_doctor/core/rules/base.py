"""What a rule is, and what it is given. Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.buildx import scoped_uses
from ecr_doctor.core.clients import docker_auth_config_note, reads_docker_auth_config
from ecr_doctor.core.dockerconfig import DockerConfig
from ecr_doctor.core.environment import Environment
from ecr_doctor.core.model import Applicability, Finding, Fix, Location, Severity
from ecr_doctor.core.options import DEFAULT_OPTIONS, Options
from ecr_doctor.core.registries import Registry, classify, lookup_key
from ecr_doctor.core.resolution import AuthsByHost, Resolution, Source, resolve

if TYPE_CHECKING:
    from ecr_doctor.core.buildx import ScopedUse


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

    @property
    def podman(self) -> bool:
        """The file is read by containers/image (podman, skopeo, buildah), not the Docker CLI."""
        return self.options.client == "podman"

    @cached_property
    def loaded_env_auth_keys(self) -> tuple[str, ...]:
        """The keys of a DOCKER_AUTH_CONFIG a CLI that reads it can load (any version)."""
        dac = self.env.docker_auth_config
        return dac.keys if dac is not None and dac.error is None else ()

    @cached_property
    def env_auth_keys(self) -> tuple[str, ...]:
        """DOCKER_AUTH_CONFIG keys this client consults. containers/image never reads the
        variable; a Docker CLI older than 28.3.0 ignores it (ecr_doctor.core.clients)."""
        if self.podman or reads_docker_auth_config(self.env.docker_version) is False:
            return ()
        return self.loaded_env_auth_keys

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
        key = lookup_key(registry.host)
        known = self._resolutions.get(key)
        if known is not None:
            return known
        # A host only another file names (a buildx scoped config): what this file gives it.
        return resolve(self.config, key, self.env_auth_keys, auths=self._auths,
                       client="skopeo" if self.podman else "docker")

    @cached_property
    def _resolutions(self) -> dict[str, Resolution]:
        if self.podman:
            return {lookup_key(r.host): resolve(self.config, lookup_key(r.host), client="skopeo")
                    for r in self.registries}
        resolutions = {}
        unknown_version = reads_docker_auth_config(self.env.docker_version) is None
        for r in self.registries:
            key = lookup_key(r.host)
            res = resolve(self.config, key, self.env_auth_keys, auths=self._auths)
            if res.source is Source.ENV and unknown_version:
                # Unknown CLI: say what an older one, which ignores the variable, would use.
                older = resolve(self.config, key, (), auths=self._auths)
                res = res._replace(reason=f"{res.reason}; {docker_auth_config_note(None)}, "
                                   f"and would use {older.source.value} here: {older.reason}")
            resolutions[key] = res
        return resolutions

    def buildkit(self, registry: Registry) -> tuple[ScopedUse, ...]:
        """buildx's scoped configs for this registry, most specific first (empty: BuildKit
        uses the main config, as `resolution` says)."""
        if self.podman:
            return ()
        return scoped_uses(self.env.buildx, registry.host, lookup_key(registry.host),
                           self.loaded_env_auth_keys)


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

