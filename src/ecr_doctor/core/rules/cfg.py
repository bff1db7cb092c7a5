"""The CFG family: rules about the content of config.json itself. Standard library only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.dockerconfig import AuthEntry
from ecr_doctor.core.model import (
    Applicability,
    Finding,
    Fix,
    Location,
    RemoveAuth,
    RemoveCredHelper,
    RemoveTopLevel,
    RenameTopLevel,
    SetCredHelper,
    Severity,
    StripBom,
)
from ecr_doctor.core.registries import (
    DOCKER_HUB_KEY,
    Registry,
    RegistryKind,
    classify,
    ecr_look_alike,
    lookup_key,
)
from ecr_doctor.core.resolution import Resolution, Source
from ecr_doctor.core.rules.base import Context, Family, Rule, RuleDoc
from ecr_doctor.core.tokens import decode_ecr_password, expiry_status, jwt_expiry

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecr_doctor.core.buildx import ScopedUse

FAMILY = Family("CFG")

ECR_HELPER = "ecr-login"
HELPER_PREFIX = "docker-credential-"


def _describe_registry(registry: Registry) -> str:
    if registry.kind is RegistryKind.ECR_PUBLIC:
        return "ECR Public"
    parts = [f"account {registry.account}", f"region {registry.region}"]
    if registry.partition and registry.partition != "aws":
        parts.append(f"partition {registry.partition}")
    if registry.fips:
        parts.append("FIPS")
    return ", ".join(parts)


def _token_state(ctx: Context, entry: AuthEntry) -> tuple[str, str | None]:
    """('live'|'expired'|'unknown', human text) for the credential in an auths entry."""
    password = entry.decoded_password if entry.auth else entry.password
    if password is None:
        return "unknown", None
    token = decode_ecr_password(password)
    if token is None or token.expires_at is None:
        return "unknown", "expiry unknown (not a decodable ECR token; ECR tokens last at most 12 h)"
    status = expiry_status(token.expires_at, ctx.env.now)
    return status.state, status.describe()


def _helper_is_usable(ctx: Context, helper: str) -> bool | None:
    if not ctx.env.known:
        return None
    binary = ctx.env.helper(helper)
    return binary is not None and binary.found and binary.executable


def _helper_installed(ctx: Context, helper: str | None) -> bool:
    """A safe fix may rely on `helper` only when the machine shows it installed and executable.

    The unknown environment (the page, a pasted config) never counts as having it: a fix that
    needs the helper there is unsafe, applied only when the user asks for unsafe fixes.
    """
    return bool(helper) and _helper_is_usable(ctx, helper or "") is True


def _install_hint(ctx: Context, host: str | None = None) -> str:
    """What a message adds when the ECR helper cannot be relied on ("" when it is installed).

    With `host`: the fix removes the host's last mention, so the hint says how to map it later.
    """
    binary = HELPER_PREFIX + ECR_HELPER
    if _helper_installed(ctx, ECR_HELPER):
        return ""
    if not ctx.env.known:
        hint = (f"; {binary} must be installed before Docker can use it "
                "(this machine is not checked)")
    else:
        hint = f"; {binary} is not installed (not an executable on PATH): install it first"
    if host is not None:
        hint += f", then map the host: `ecr-doctor fix --write --registry {host}`"
    return hint


@FAMILY.rule(
    "CFG001",
    "static-ecr-credential",
    Severity.HIGH,
    "A static ECR token is stored in auths",
    RuleDoc(
        what="An `auths` entry for an Amazon ECR registry holds an inline credential (`auth`, "
        "`password` or a token), whatever the key form: bare host, `https://host`, "
        "`https://host/v2/` or the `email` form AWS CLI v1 `get-login` left behind.",
        why="ECR tokens expire after 12 hours. When no credential helper applies to the exact "
        "host, Docker keeps sending the stale token and the registry answers `denied: Your "
        "authorization token has expired`. When a helper does apply, Docker replaces the entry "
        "with the helper's answer — unless the helper fails outright (binary missing, crash), "
        "when docker/cli hands the entry back with the error and commands that ignore the "
        "error send it anyway (cli/config/credentials/native_store.go `Get`). Either way the "
        "secret sits on disk, readable by anything that reads your home directory. A live "
        "token grants everything the IAM principal that minted it may do in that account and "
        "region.",
        fix="Remove the entry and map the bare host to the ECR credential helper in "
        '`credHelpers` (`"<host>": "ecr-login"`), which fetches a fresh token on every use. '
        "A fix is safe only if the registry works at least as well afterwards. With "
        "`docker-credential-ecr-login` installed and executable, removing the token and "
        "mapping the host is safe. Without it (or on the page, which cannot see the machine), "
        "a token that may still work is only replaced as an unsafe fix, and so is a token a "
        "missing helper falls back to. An expired token is broken already: removing it is "
        "safe even then, but the host is not mapped to the missing helper; the message "
        "says to install `docker-credential-ecr-login`, then run `ecr-doctor fix --write "
        "--registry <host>` to map the host (CFG002).",
        example='{"auths": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": '
        '{"auth": "QVdTOmV5Sn..."}}}',
        references=(
            "docker/cli · cli/config/credentials/native_store.go · nativeStore.Get",
            "docker/cli · cli/config/credentials/file_store.go · fileStore.Get (legacy keys)",
            "aws/aws-cli v1 · awscli/customizations/ecr.py · ECRLogin._run_main",
        ),
    ),
    fixable=Applicability.SAFE,
)
def static_ecr_credential(self: Rule, ctx: Context) -> Iterator[Finding]:
    helper_entries = {h.key: h.helper for h in ctx.config.cred_helpers}
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if not registry.is_ecr or not entry.has_credential or entry.auth_error:
            continue
        state, when = _token_state(ctx, entry)
        resolution = ctx.resolution(registry)
        dead = entry.key in resolution.shadowed_auths
        severity = Severity.CRITICAL if state == "live" else Severity.HIGH
        host = registry.host
        installed = _helper_installed(ctx, ECR_HELPER)
        current = helper_entries.get(host)
        # A fix is safe iff the registry works at least as well afterwards:
        # - the helper is installed: it replaces the token (removal + mapping, safe);
        # - the token is shadowed by DOCKER_AUTH_CONFIG or by an installed helper: it is never
        #   sent, so removing it changes nothing. Shadowed by a helper that is *not* installed,
        #   it is what Docker falls back to (native_store.go Get), so it may be what works;
        # - the token is expired: the registry is broken already and stays as broken without
        #   it, so the removal is safe — but only the removal: a safe fix never maps the host
        #   to a helper that is not installed (CFG002 does, as an unsafe fix until it is);
        # - otherwise (a live or undecodable token, no installed helper, or the page, which
        #   cannot see the machine) replacing it could break a working registry: unsafe.
        dead = dead and (resolution.helper is None or _helper_installed(ctx, resolution.helper))
        safe = dead or state == "expired" or installed
        edits: list[RemoveAuth | SetCredHelper] = [RemoveAuth(entry.key)]
        if (current is None or current == "") and (installed or not safe):
            edits.append(SetCredHelper(host, ECR_HELPER))
        fix = Fix(
            f'remove auths["{entry.key}"] and use the ECR credential helper for {host}',
            Applicability.SAFE if safe else Applicability.UNSAFE,
            tuple(edits),
        )
        exposure = _describe_registry(registry)
        if dead:
            tail = (f"shadowed: Docker asks {resolution.helper_binary or 'DOCKER_AUTH_CONFIG'} "
                    "for this host and sends this token only if that helper fails outright, "
                    "but the secret stays on disk")
        else:
            tail = "Docker sends this token for every pull and push"
        origin = " (left by AWS CLI v1 get-login)" if "://" in entry.key and entry.email else ""
        message = (f"static ECR token for {host} ({exposure}){origin}; "
                   f"{when or 'expiry unknown'}; {tail}")
        if current is None or current == "":
            # The safe removal of an expired token leaves no mention of the host: say how to
            # map it once the helper is there.
            message += _install_hint(ctx, host if safe and not installed else None)
        yield self.finding(
            message,
            entry.location,
            registry=host,
            fix=fix,
            severity=severity,
            details=(("account", registry.account or ""), ("region", registry.region or ""),
                     ("token_state", state)),
        )


@FAMILY.rule(
    "CFG002",
    "ecr-host-without-helper",
    Severity.MEDIUM,
    "An ECR registry has no credHelpers entry",
    RuleDoc(
        what="An Amazon ECR registry named in the config (or with `--registry`) is not served "
        "by a credential helper: no exact-key `credHelpers` entry and no `credsStore` that "
        "handles ECR.",
        why="Without a helper Docker sends whatever static token `auths` holds (it expires "
        "after 12 hours) or nothing at all, and the registry answers `no basic auth "
        "credentials`. `docker build` only asks helpers it knows about, so base images in "
        "registries without an entry fail too (amazon-ecr-credential-helper #251).",
        fix='Add `"<host>": "ecr-login"` to `credHelpers`. Register every ECR host your team '
        "uses up front, including pull-through cache registries: `ecr-doctor fix --write "
        "--account ID --region R [--region R2 ...] [--public]` adds one entry per account and "
        "region (and ECR Public). Pull-through cache images are pulled as "
        "`<host>/<rule prefix>/<image>` (e.g. `<host>/docker-hub/library/alpine`), so the "
        "private host's entry covers them too (`--pull-through` prints the names). The fix "
        "is safe only when `docker-credential-ecr-login` is installed and executable: mapping "
        "a host to a missing helper breaks a registry that works today (a live token, a "
        "credsStore). Without it, or on the page, which cannot see the machine, the fix is "
        "unsafe; so is replacing an explicit empty-value opt-out.",
        example='{"credHelpers": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}',
        references=("docker/cli · cli/config/configfile/file.go · GetCredentialsStore",),
    ),
    fixable=Applicability.SAFE,
)
def ecr_host_without_helper(self: Rule, ctx: Context) -> Iterator[Finding]:
    explicit_opt_out = {h.key for h in ctx.config.cred_helpers if h.helper == ""}
    for registry in ctx.ecr_registries:
        resolution = ctx.resolution(registry)
        if resolution.source in (Source.CRED_HELPER, Source.ENV):
            continue
        if resolution.source is Source.CREDS_STORE and _is_ecr_helper_name(resolution.helper):
            continue  # served (CFG005 covers the damage a global ecr-login store does)
        opted_out = registry.host in explicit_opt_out
        # Mapping the host to a helper that is not installed (or that the page cannot see)
        # can turn a working registry (a live token, a credsStore) into a failing one.
        safe = not opted_out and _helper_installed(ctx, ECR_HELPER)
        applicability = Applicability.SAFE if safe else Applicability.UNSAFE
        why = ("credHelpers opts it out with an empty value" if opted_out
               else "no credHelpers entry matches this exact host")
        if resolution.source is Source.CREDS_STORE:
            why += f"; credsStore sends it to docker-credential-{resolution.helper}"
        why += _install_hint(ctx)
        yield self.finding(
            f"ECR registry {registry.host} has no credential helper: {why}",
            _mention_location(ctx, registry.host),
            registry=registry.host,
            fix=Fix(
                f'add credHelpers["{registry.host}"] = "{ECR_HELPER}"',
                applicability,
                (SetCredHelper(registry.host, ECR_HELPER),),
            ),
        )


def _is_ecr_helper_name(name: str | None) -> bool:
    return bool(name) and (name == ECR_HELPER or (name or "").startswith(ECR_HELPER + "-"))


def _mention_location(ctx: Context, host: str) -> Location:
    for entry in ctx.config.auths:
        if classify(entry.key).host == host:
            return entry.location
    for helper in ctx.config.cred_helpers:
        if classify(helper.key).host == host:
            return helper.location
    return ctx.at()


@FAMILY.rule(
    "CFG003",
    "helper-key-never-matches",
    Severity.HIGH,
    "A credHelpers key has a scheme, port or path, so Docker never uses it",
    RuleDoc(
        what="A `credHelpers` key is not in the exact form Docker looks up: it carries "
        "`https://`, a path such as `/v2/` or `/repo`, a port the image names do not use, "
        "or names Docker Hub as `docker.io` instead of `https://index.docker.io/v1/`.",
        why="Docker looks `credHelpers` up with an exact map lookup on `host[:port]` as typed "
        "in the image name and never normalises the keys (docker/cli "
        "cli/config/configfile/file.go `getConfiguredCredentialStore`). The helper is never "
        "called, so a stale `auths` token or no credentials at all is used instead — the "
        "root of many 'credHelpers is ignored' reports (amazon-ecr-credential-helper #573, "
        "rancher-desktop #7047).",
        fix="Rewrite the key to the bare host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`), "
        "or `https://index.docker.io/v1/` for Docker Hub. The rewrite turns the helper on for "
        "that host, so it is safe only when the machine shows the helper installed and "
        "executable: otherwise (and on the page, which cannot see the machine) a host that "
        "works today from an `auths` token or a `credsStore` would start failing, and the "
        "fix is unsafe. So is a rewrite onto a key that names a different helper.",
        references=("docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore",),
    ),
    fixable=Applicability.SAFE,
)
def helper_key_never_matches(self: Rule, ctx: Context) -> Iterator[Finding]:
    helpers = {h.key: h.helper for h in ctx.config.cred_helpers}
    for entry in ctx.config.cred_helpers:
        if ctx.podman and entry.key == "docker.io":
            # containers/image looks Docker Hub up as "docker.io" (findCredentialsInFile uses
            # the image's registry): the key is exact there.
            continue
        registry = classify(entry.key)
        bare = lookup_key(registry.host)
        if registry.is_ecr and ":" in registry.host:
            # ECR image names never carry a port, so Docker never looks up "host:443".
            bare = bare.rsplit(":", 1)[0]
        if bare == entry.key:
            continue
        if registry.kind is RegistryKind.OTHER and ":" in entry.key and "://" not in entry.key \
                and "/" not in entry.key:
            continue  # host:port of a private registry is a legitimate key
        conflict = bare in helpers and helpers[bare] != entry.helper
        edits: tuple[SetCredHelper | RemoveCredHelper, ...] = (RemoveCredHelper(entry.key),)
        if not conflict:
            edits = (SetCredHelper(bare, entry.helper), RemoveCredHelper(entry.key))
        # The key never matched, so the host gets credentials elsewhere today (auths, a
        # credsStore): switching it to a helper that is not installed could break it.
        safe = not conflict and (bare in helpers or _helper_installed(ctx, entry.helper))
        yield self.finding(
            f'credHelpers key "{entry.key}" never matches: Docker looks up "{bare}" exactly',
            entry.location,
            registry=registry.host,
            fix=Fix(
                f'rewrite credHelpers key "{entry.key}" to "{bare}"',
                Applicability.SAFE if safe else Applicability.UNSAFE,
                edits,
            ),
        )


def _suffix_repair(value: str) -> str | None:
    """The helper suffix a mistyped value most likely meant, or None if it looks fine."""
    fixed = value.strip()
    if fixed.startswith(HELPER_PREFIX):
        fixed = fixed[len(HELPER_PREFIX):]
    if fixed.replace("_", "-").lower() in ("ecr-login", "ecrlogin", "ecr"):
        fixed = ECR_HELPER
    return fixed if fixed != value else None


@FAMILY.rule(
    "CFG004",
    "helper-name-not-a-suffix",
    Severity.HIGH,
    "A helper is named by its binary name or with a typo",
    RuleDoc(
        what="A `credHelpers` value or `credsStore` holds the full binary name "
        "(`docker-credential-ecr-login`), surrounding whitespace, or a near-miss such as "
        "`ecr_login`.",
        why="Docker execs `docker-credential-<value>` (docker-credential-helpers "
        "client/command.go), so `docker-credential-ecr-login` becomes "
        "`docker-credential-docker-credential-ecr-login`, which does not exist: `executable "
        "file not found in $PATH`, or on pull with Docker ≤ 28 a silent anonymous request "
        "and `no basic auth credentials`.",
        fix="Use the suffix only: `ecr-login`.",
        references=("docker/docker-credential-helpers · client/command.go · NewShellProgramFunc",),
    ),
    fixable=Applicability.SAFE,
)
def helper_name_not_a_suffix(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.cred_helpers:
        repaired = _suffix_repair(entry.helper)
        if repaired is None or not entry.helper:
            continue
        if ctx.env.known and _helper_is_usable(ctx, entry.helper):
            continue  # a binary by that odd name really exists: the user meant it
        yield self.finding(
            f'credHelpers["{entry.key}"] = "{entry.helper}" makes Docker run '
            f'docker-credential-{entry.helper.strip()}; the helper suffix is "{repaired}"',
            entry.location,
            registry=classify(entry.key).host,
            fix=Fix(f'set the helper to "{repaired}"', Applicability.SAFE,
                    (SetCredHelper(entry.key, repaired),)),
        )
    store = ctx.config.creds_store
    if store is not None and store.value:
        repaired = _suffix_repair(store.value)
        if repaired is not None and not (ctx.env.known and _helper_is_usable(ctx, store.value)):
            yield self.finding(
                f'credsStore = "{store.value}" makes Docker run docker-credential-'
                f'{store.value.strip()}; the helper suffix is "{repaired}"',
                store.location,
            )


@FAMILY.rule(
    "CFG005",
    "global-ecr-login-store",
    Severity.MEDIUM,
    'credsStore is "ecr-login", which breaks docker login and every other registry',
    RuleDoc(
        what='The global `credsStore` is set to the ECR helper (`"credsStore": "ecr-login"`).',
        why="`credsStore` applies to every registry without an exact `credHelpers` key, "
        "Docker Hub included. The ECR helper cannot store credentials (`store` answers "
        "`not implemented`, awslabs ecr-login/ecr.go `Add`), so `docker login` to any "
        "registry fails, inline `auths` credentials for other registries are ignored, and "
        "every Docker Hub or GHCR pull goes through the ECR helper, which answers 'not found' "
        "— so they are anonymous and rate-limited.",
        fix="Remove `credsStore` and map each ECR host in `credHelpers` instead. Unsafe: it "
        "changes how every non-ECR registry gets credentials (they fall back to `auths`). "
        "The fix first maps every ECR host the store served that can be known: the hosts in "
        "the config (`auths` and `credHelpers` keys), those given with `--registry` or "
        "`--account`/`--region`, and those in the ECR helper's token cache (`~/.ecr/"
        "cache.json`). When none is known it is not offered, since removing the store would "
        "leave ECR with no helper at all; name the registries instead: `ecr-doctor fix "
        "--write --unsafe-fixes --registry <account>.dkr.ecr.<region>.amazonaws.com`.",
        references=(
            "docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore",
            "awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Add",
        ),
    ),
    fixable=Applicability.UNSAFE,
)
def global_ecr_login_store(self: Rule, ctx: Context) -> Iterator[Finding]:
    store = ctx.config.creds_store
    if ctx.podman:
        return  # containers/image never reads credsStore: CFG033 says so instead
    if store is None or not _is_ecr_helper_name(_suffix_repair(store.value) or store.value):
        return
    # Removing the store must not leave a registry it served without a helper: map every ECR
    # host that can be known first (config and --registry: ctx.ecr_registries; hosts the
    # helper has fetched tokens for: its cache). With none known there is no fix to offer.
    hosts = dict.fromkeys(r.host for r in ctx.ecr_registries)
    hosts.update(dict.fromkeys(_cached_ecr_hosts(ctx)))
    helpers = {h.key for h in ctx.config.cred_helpers}
    # The store serves what credHelpers does not name: say so of Docker Hub only when true
    # (the registry table beside this message shows the same resolution).
    hub = ctx.config.helper(DOCKER_HUB_KEY)
    if hub is None:
        message = (f'global credsStore "{store.value}" sends every registry without a '
                   "credHelpers entry (Docker Hub included) to the ECR helper, which cannot "
                   "store logins")
    else:
        message = (f'global credsStore "{store.value}" sends every registry without a '
                   "credHelpers entry to the ECR helper, which cannot store logins (Docker "
                   f"Hub has its own entry: {HELPER_PREFIX}{hub.helper})")
    if not hosts:
        yield self.finding(
            f"{message}; no ECR registry is known, so removing it would leave ECR with no "
            "helper: name yours with `ecr-doctor fix --write --unsafe-fixes --registry "
            "<account>.dkr.ecr.<region>.amazonaws.com`",
            store.location,
            details=(("fix_withheld", "no ECR registry is known"),),
        )
        return
    edits: list[SetCredHelper | RemoveTopLevel] = [
        SetCredHelper(host, ECR_HELPER) for host in hosts if host not in helpers
    ]
    for top in ctx.config.top_level:
        if top.canonical == "credsStore":
            edits.append(RemoveTopLevel(top.key))
    yield self.finding(
        message,
        store.location,
        fix=Fix("replace the global credsStore with per-host credHelpers for ECR",
                Applicability.UNSAFE, tuple(edits)),
    )


def _cached_ecr_hosts(ctx: Context) -> list[str]:
    """ECR hosts the ECR helper's cache holds tokens for (it only caches what it served)."""
    cache = ctx.env.forensics.helper_cache if ctx.env.forensics is not None else None
    if cache is None:
        return []
    found = []
    for entry in cache.entries:
        registry = classify(entry.registry)
        if registry.is_ecr:
            found.append(lookup_key(registry.host))
    return sorted(set(found))


# Keys people write that Docker's ConfigFile struct does not have (it matches case-insensitively,
# so only real misspellings belong here), and the key they meant.
MISSPELT_KEYS = {
    "credstore": "credsStore",
    "credentialsstore": "credsStore",
    "credentialstore": "credsStore",
    "credhelper": "credHelpers",
    "credshelpers": "credHelpers",
    "credentialhelpers": "credHelpers",
    "credentialshelpers": "credHelpers",
    "credhelpres": "credHelpers",
    "auth": "auths",
    "authconfigs": "auths",
}
KNOWN_KEYS = ("auths", "credsStore", "credHelpers")


@FAMILY.rule(
    "CFG006",
    "misspelt-key",
    Severity.MEDIUM,
    "A misspelt top-level key is silently ignored by Docker",
    RuleDoc(
        what="A top-level key that Docker's config struct does not have, but that is one or two "
        "letters away from `auths`, `credsStore` or `credHelpers` (`credStore`, `credHelper`, "
        "`auth`).",
        why="Go's JSON decoder drops unknown keys without a word (docker/cli "
        "cli/config/configfile/file.go `ConfigFile`), so the helper you configured is never "
        "used, and the next `docker login` deletes the key when it rewrites the file.",
        fix="Rename the key. Renaming turns on what Docker ignored, so it is safe only when "
        "that cannot break a registry that works today: for `credHelpers`, when every helper "
        "it names is installed and executable (never on the page, which cannot see the "
        "machine); for `auths`, when its entries hold no credential (a stale one would "
        "replace anonymous access). Always unsafe for `credsStore`, because turning on a "
        "global store changes every registry (and a global `ecr-login` store is itself a "
        "defect: see CFG005): a misspelt `credStore: ecr-login` is removed instead, and its "
        "ECR hosts mapped to the helper when it is installed.",
        references=("docker/cli · cli/config/configfile/file.go · ConfigFile",),
    ),
    fixable=Applicability.SAFE,
)
def misspelt_key(self: Rule, ctx: Context) -> Iterator[Finding]:
    present = {t.canonical for t in ctx.config.top_level if t.canonical}
    for top in ctx.config.top_level:
        if top.canonical is not None or _is_store_turned_off(ctx, top.key):
            continue  # the second: the WSL workaround, not a typo (CFG034)
        meant = MISSPELT_KEYS.get(top.key.lower())
        if meant is None:
            import difflib  # 1.4 ms of start-up, paid only for a key Docker does not know

            close = difflib.get_close_matches(top.key.lower(), [k.lower() for k in KNOWN_KEYS],
                                              n=1, cutoff=0.85)
            meant = next((k for k in KNOWN_KEYS if close and k.lower() == close[0]), None)
        if meant is None:
            continue
        fix = None
        if meant == "credsStore" and _is_ecr_helper_name(_string_value(ctx, top.key)):
            # Renaming would create a global ecr-login store (CFG005). Docker ignores the key,
            # so removing it changes nothing; the ECR hosts get scoped helpers instead.
            helpers = {h.key for h in ctx.config.cred_helpers}
            edits: tuple[RemoveTopLevel | SetCredHelper, ...] = (RemoveTopLevel(top.key),)
            if _helper_installed(ctx, ECR_HELPER):  # else CFG002 maps them, as an unsafe fix
                edits += tuple(SetCredHelper(r.host, ECR_HELPER) for r in ctx.ecr_registries
                               if r.host not in helpers)
            fix = Fix(f'remove "{top.key}" and map ECR hosts in credHelpers', Applicability.SAFE,
                      edits)
        elif not _decodes_as(ctx, top.key, meant):
            # Under the real name a value of the wrong type stops Docker decoding the whole
            # file (it warns and runs with an empty config): no rename may write that.
            fix = None
        elif meant not in present:
            safe = meant != "credsStore" and _activation_is_safe(ctx, top.key, meant)
            fix = Fix(f'rename "{top.key}" to "{meant}"',
                      Applicability.SAFE if safe else Applicability.UNSAFE,
                      (RenameTopLevel(top.key, meant),))
        elif meant in ("credHelpers", "auths"):
            safe = _activation_is_safe(ctx, top.key, meant)
            fix = Fix(f'merge "{top.key}" into "{meant}"',
                      Applicability.SAFE if safe else Applicability.UNSAFE,
                      (RenameTopLevel(top.key, meant),))
        yield self.finding(f'"{top.key}" is not a key Docker reads (did you mean "{meant}"?); '
                           "Docker ignores it", top.location, fix=fix)


_CREDENTIAL_FIELDS = frozenset({"auth", "password", "identitytoken", "registrytoken"})


def _decodes_as(ctx: Context, key: str, meant: str) -> bool:
    """Whether the value of top-level `key` has the type Docker's field `meant` decodes:
    credsStore a string; credHelpers an object of strings; auths an object of objects of
    strings (cli/config/configfile/file.go ConfigFile, types.AuthConfig)."""
    root = ctx.config.root
    node = next((m.value for m in (root.members if root is not None else ()) if m.key == key),
                None)
    if node is None:
        return False
    if meant == "credsStore":
        return node.kind in ("string", "null")
    if node.kind == "null":
        return True
    if node.kind != "object":
        return False
    if meant == "credHelpers":
        return all(m.value.kind in ("string", "null") for m in node.members)
    return all(m.value.kind == "null" or (m.value.kind == "object" and all(
        f.value.kind in ("string", "null") for f in m.value.members)) for m in node.members)


def _activation_is_safe(ctx: Context, key: str, meant: str) -> bool:
    """Whether turning on the ignored map `key` as `meant` leaves every registry working.

    credHelpers: each helper it names must be installed (an empty value would opt a host out
    of its credsStore). auths: no entry may carry a credential, which Docker would start to
    send instead of what it does today (anonymous, or the host's helper when that fails).
    """
    root = ctx.config.root
    member = None if root is None else next((m for m in root.members if m.key == key), None)
    if member is None or member.value.kind != "object":
        return True  # nothing Docker could act on (Docker would reject a non-object anyway)
    for entry in member.value.members:
        value = entry.value
        if meant == "credHelpers":
            if value.kind != "string" or not _helper_installed(ctx, str(value.value)):
                return False
        elif meant == "auths" and value.kind == "object" and any(
                field.key.lower() in _CREDENTIAL_FIELDS and field.value.kind == "string"
                and field.value.value for field in value.members):
            return False
    return True


def _string_value(ctx: Context, key: str) -> str | None:
    root = ctx.config.root
    if root is None or root.kind != "object":
        return None
    for member in root.members:
        if member.key == key and member.value.kind == "string":
            return str(member.value.value)
    return None


@FAMILY.rule(
    "CFG007",
    "empty-auths-placeholder",
    Severity.INFO,
    "An empty auths entry for an ECR host sits beside its helper",
    RuleDoc(
        what='An `auths` entry `{}` for an ECR host that the ECR credential helper '
        "(`ecr-login`, or an `ecr-login-<profile>` wrapper) already serves through an exact "
        "`credHelpers` key.",
        why="`docker login` writes these placeholders when a helper stores the secret. They "
        "hold nothing and change nothing (docker/cli native_store.go reads them only for "
        "metadata), but they make the file look like it stores credentials.",
        fix="Remove the placeholder. The fix touches only ECR hosts the ECR helper serves: "
        "an empty entry for any other registry, or for an ECR host sent to another helper "
        "(`desktop`, `pass`, ...), is left alone, because some tool may expect it there.",
    ),
    fixable=Applicability.SAFE,
)
def empty_auths_placeholder(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if not registry.is_ecr or not entry.is_empty_placeholder:
            continue
        resolution = ctx.resolution(registry)
        # Only a placeholder the ECR helper makes redundant: another helper (desktop, pass)
        # or another registry may have a tool that expects its entry.
        if resolution.source is not Source.CRED_HELPER or not _is_ecr_helper_name(
                resolution.helper):
            continue
        yield self.finding(f'empty auths entry "{entry.key}" is unused: a helper serves '
                           f"{registry.host}", entry.location, registry=registry.host,
                           fix=Fix(f'remove auths["{entry.key}"]', Applicability.SAFE,
                                   (RemoveAuth(entry.key),)))


@FAMILY.rule(
    "CFG008",
    "duplicate-key",
    Severity.LOW,
    "A key appears twice; Docker merges objects and keeps the last scalar",
    RuleDoc(
        what="The same key appears more than once in one JSON object (or twice in different "
        "letter case at the top level, which Docker treats as the same key).",
        why="Go's decoder merges duplicate objects into one map and keeps the last value of a "
        "scalar, while most editors and JSON tools keep only the last occurrence: what you "
        "read is not what Docker does.",
        fix="Merge the entries by hand into one key.",
    ),
)
def duplicate_key(self: Rule, ctx: Context) -> Iterator[Finding]:
    for dup in ctx.config.duplicates:
        written = f' (written "{dup.written}")' if dup.written else ""
        kept = f' (here "{dup.kept}")' if dup.kept is not None else ""
        yield self.finding(f"duplicate key {dup.path}{written}: Docker merges objects and keeps "
                           f"the last value of a scalar{kept}", dup.location,
                           registry=dup.registry)


@FAMILY.rule(
    "CFG009",
    "invalid-auth-value",
    Severity.HIGH,
    "An auth value is not base64 user:password, so Docker cannot load the file cleanly",
    RuleDoc(
        what="An `auths` entry's `auth` is not standard padded base64 of `user:password`.",
        why="docker/cli decodes every `auth` when it loads the file (configfile/file.go "
        "`LoadFromReader`, `decodeAuth`) and stops at the first bad one: every command prints "
        "`WARNING: Error parsing config file`, and the entries not yet decoded (Go map order "
        "is random) carry no username or password, so which credentials work changes from "
        "run to run.",
        fix="Remove the entry (for ECR hosts the helper replaces it), or log in again. Safe "
        "for ECR hosts, whose entry cannot work; the host is mapped to `ecr-login` in the "
        "same fix only when the helper is installed. Unsafe for other registries, whose "
        "login is then gone.",
        references=("docker/cli · cli/config/configfile/file.go · decodeAuth",),
    ),
    fixable=Applicability.SAFE,
)
def invalid_auth_value(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        if not entry.auth_error:
            continue
        registry = classify(entry.key)
        edits: tuple[RemoveAuth | SetCredHelper, ...] = (RemoveAuth(entry.key),)
        # The entry is unusable, so removing it is safe; mapping the host is only when the
        # helper is installed (else CFG002 offers it, as an unsafe fix).
        if registry.is_ecr and _helper_installed(ctx, ECR_HELPER):
            edits += (SetCredHelper(registry.host, ECR_HELPER),)
        yield self.finding(
            f'auths["{entry.key}"].auth is invalid ({entry.auth_error}); every docker command '
            "warns \"Error parsing config file\" and inline credentials may go undecoded",
            entry.location,
            registry=registry.host,
            fix=Fix(f'remove auths["{entry.key}"]',
                    Applicability.SAFE if registry.is_ecr else Applicability.UNSAFE, edits),
        )


@FAMILY.rule(
    "CFG010",
    "ambiguous-legacy-keys",
    Severity.LOW,
    "Several legacy auths keys normalise to one host; Docker picks one at random",
    RuleDoc(
        what="Two or more `auths` keys such as `https://H` and `https://H/v2/` normalise to the "
        "same host and no exact key exists.",
        why="docker/cli's file store falls back to iterating a Go map, whose order is random, "
        "so which credential is sent changes from run to run (file_store.go `Get`).",
        fix="Keep one entry under the bare host key, or better, use a credential helper.",
        references=("docker/cli · cli/config/credentials/file_store.go · fileStore.Get",),
    ),
)
def ambiguous_legacy_keys(self: Rule, ctx: Context) -> Iterator[Finding]:
    for registry in ctx.registries:
        resolution = ctx.resolution(registry)
        if resolution.ambiguous_auths:
            keys = ", ".join(f'"{k}"' for k in resolution.ambiguous_auths)
            yield self.finding(f"auths keys {keys} all match {registry.host}; Docker picks one "
                               "at random", _mention_location(ctx, registry.host),
                               registry=registry.host)


@FAMILY.rule(
    "CFG011",
    "static-credential",
    Severity.INFO,
    "A non-ECR registry credential is stored in plain text",
    RuleDoc(
        what="An `auths` entry for a registry other than ECR holds an inline credential.",
        why="It is base64, not encryption: anything that can read the file can use it.",
        fix="Configure a credential store (`credsStore`: `pass`, `secretservice`, "
        "`osxkeychain`, `wincred`, `desktop`) and log in again. For Docker Hub, log in with a "
        "personal access token (`dckr_pat_…`, Account settings → Personal access tokens) "
        "rather than the account password: it can be read-only and revoked on its own.",
    ),
)
def static_credential(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if registry.is_ecr or not entry.has_credential or entry.auth_error:
            continue
        if entry.key in ctx.resolution(registry).shadowed_auths:
            continue
        who = entry.decoded_username or entry.username or "?"
        if entry.identitytoken:
            who = "identity token"
        name = "Docker Hub" if entry.key == DOCKER_HUB_KEY else registry.host
        kind = ""
        if registry.kind is RegistryKind.DOCKER_HUB and not entry.identitytoken:
            secret = entry.decoded_password or entry.password
            # Docker's token prefixes: dckr_pat_ personal, dckr_oat_ organisation access token.
            if secret is not None and not secret.reveal().startswith(("dckr_pat_", "dckr_oat_")):
                kind = ("; it is the account password, where a personal access token "
                        "(dckr_pat_) could be scoped and revoked alone")
        yield self.finding(f"plain-text credential for {name} (user {who}){kind}",
                           entry.location, registry=registry.host)


@FAMILY.rule(
    "CFG012",
    "utf8-bom",
    Severity.HIGH,
    "The file starts with a UTF-8 byte order mark, which Docker cannot parse",
    RuleDoc(
        what="config.json begins with the bytes EF BB BF (a UTF-8 BOM), typically written by "
        "Windows editors or PowerShell's `Out-File -Encoding utf8`.",
        why="Go's encoding/json rejects it (`invalid character 'ï' looking for beginning of "
        "value`), so Docker warns and uses an empty config: no helpers, no credentials.",
        fix="Strip the three bytes; nothing else changes.",
    ),
    fixable=Applicability.SAFE,
)
def utf8_bom(self: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.config.has_bom:
        yield self.finding("file starts with a UTF-8 BOM: Docker cannot parse it and uses an "
                           "empty config", ctx.at(),
                           fix=Fix("strip the BOM", Applicability.SAFE, (StripBom(),)))


@FAMILY.rule(
    "CFG013",
    "ecr-look-alike-host",
    Severity.MEDIUM,
    "ECR look-alike host the helper will not serve",
    RuleDoc(
        what="A `credHelpers` or `auths` key is shaped like an Amazon ECR registry but is not "
        "one: an unexpanded variable (`${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com`, "
        "`{{ account }}`), a placeholder copied from documentation "
        "(`<your-account-id>.dkr.ecr...`), an account that is not 12 digits (a 9-digit one, "
        "or the console's `1234-5678-9012`), a misspelt suffix (`amazonaws.co`) or ECR Public "
        "host (`public.ecr.awss`), or upper case. Severity is high for a `credHelpers` key "
        "sent to the ECR helper, medium otherwise.",
        why="Docker reads config.json as it is and expands nothing, and it looks keys up "
        "exactly by the host in the image name, so no real image ever matches the key: the "
        "entry does nothing and the real registry has no helper. The ECR helper would not "
        "serve it either: its host pattern (awslabs amazon-ecr-credential-helper "
        "ecr-login/api/client.go `ecrPattern`: a 12-digit account, `dkr.ecr`, a region and a "
        "known AWS suffix, lower case) rejects it and it answers 'credentials not found'. "
        "Nothing warns: the failure shows later as `no basic auth credentials`.",
        fix="Write the real host: the 12-digit account without dashes and the region as AWS "
        "spells them (`aws sts get-caller-identity --query Account`), e.g. "
        "`123456789012.dkr.ecr.us-east-1.amazonaws.com`, or `public.ecr.aws` for ECR Public. "
        "A config generated from a template must be rendered before Docker reads it "
        "(`envsubst`, or `ecr-doctor fix --write --account ID --region R`).",
        example='{"credHelpers": {"${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com": '
        '"ecr-login"}}',
        references=(
            "awslabs/amazon-ecr-credential-helper · ecr-login/api/client.go · ecrPattern, "
            "ExtractRegistry",
            "docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore",
        ),
    ),
)
def ecr_look_alike_host(self: Rule, ctx: Context) -> Iterator[Finding]:
    for helper in ctx.config.cred_helpers:
        what = ecr_look_alike(helper.key)
        if what is None:
            continue
        to_ecr = _is_ecr_helper_name(_suffix_repair(helper.helper) or helper.helper)
        sent = f'credHelpers key "{helper.key}"'
        if helper.helper:
            sent += f" (sent to docker-credential-{helper.helper.strip()})"
        yield self.finding(
            f"{sent} looks like an ECR registry, but {what}: no image name matches it"
            + (" and the ECR helper would not serve it" if to_ecr else ""),
            helper.location,
            registry=classify(helper.key).host,
            severity=Severity.HIGH if to_ecr else None,
        )
    for entry in ctx.config.auths:
        what = ecr_look_alike(entry.key)
        if what is not None:
            yield self.finding(f'auths key "{entry.key}" looks like an ECR registry, but '
                               f"{what}: Docker never uses this entry for an ECR image",
                               entry.location, registry=classify(entry.key).host)


@FAMILY.rule(
    "CFG014",
    "text-after-document",
    Severity.MEDIUM,
    "Text after the JSON document, which Docker ignores",
    RuleDoc(
        what="config.json holds something other than white space after its JSON object ends: "
        "a second object pasted below the first, a stray brace or comma from a hand edit, the "
        "tail of a half-finished merge.",
        why="Docker reads one JSON value with `json.NewDecoder(r).Decode` and never looks "
        "further (docker/cli cli/config/configfile/file.go `LoadFromReader`), so everything "
        "after the first object is dropped without a warning: helpers or credentials written "
        "there do nothing, while most editors and JSON tools reject the file or read it "
        "differently. The next `docker login` rewrites the file and deletes the tail.",
        fix="Move what belongs into the one top-level object and delete the rest; "
        "`python3 -m json.tool ~/.docker/config.json` fails with 'Extra data' until it is gone.",
        example='{"credHelpers": {}}\n{"credHelpers": {"123456789012.dkr.ecr.us-east-1.'
        'amazonaws.com": "ecr-login"}}',
        references=("docker/cli · cli/config/configfile/file.go · LoadFromReader",),
    ),
)
def text_after_document(self: Rule, ctx: Context) -> Iterator[Finding]:
    config = ctx.config
    if config.trailing_data is None or config.root is None:
        return
    # Byte offsets, as `od`, `dd` and editors' byte counters show them (the BOM counts too).
    # Exact for UTF-8 files; text already invalid before the end counts U+FFFD as 3 bytes.
    end = len(config.text[:config.root.end].encode("utf-8", "surrogatepass")) + (
        3 if config.has_bom else 0)
    tail = config.text[config.root.end:].strip(" \t\r\n")
    size = len(tail.encode("utf-8", "surrogatepass"))
    # Never quote the tail: it may be a token. Say what it is and how long.
    what = ("a second JSON value" if tail[:1] in ('{', '[', '"') else "other text")
    where = config.trailing_data
    yield self.finding(
        f"Docker ignores everything after byte offset {end}, where the JSON document ends: "
        f"{what} ({size} bytes) starts at line {where.line}, column {where.col} and is dropped "
        "without a warning",
        where,
    )


# Only `fix --profile` knows the wanted mapping (profiles.profile_findings): a config alone
# never says which profile a registry should use, so no check runs it.
FAMILY.declare(
    "CFG020",
    "registry-profile",
    Severity.INFO,
    "A registry should use its own AWS profile (fix --profile)",
    RuleDoc(
        what="Emitted by `ecr-doctor fix --profile HOST=PROFILE` (or `--profile-map FILE`) "
        "for each registry whose `credHelpers` entry does not yet name the wrapper helper "
        "`ecr-login-<profile>`.",
        why="Docker maps a registry to a helper name and nothing else, and the ECR helper takes "
        "credentials from the AWS SDK's default chain, so one machine cannot use a different "
        "AWS profile per registry (amazon-ecr-credential-helper #249, #976; docker/cli #2145). "
        "A wrapper `docker-credential-ecr-login-<profile>` that exports `AWS_PROFILE` (and "
        "drops static keys and web identity from the environment, which would outrank the "
        "profile) and then execs `docker-credential-ecr-login` does it with no patch to "
        "either tool.",
        fix="`ecr-doctor fix --write --profile HOST=PROFILE [--helper-dir DIR]` installs the "
        "wrapper (default `~/.local/bin`; it says if that is not on PATH) and points "
        "`credHelpers[HOST]` at it. Profile names other than lower-case letters, digits and "
        "dashes get a suffix with a short hash, so wrappers never collide.",
        example='{"credHelpers": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": '
        '"ecr-login-prod"}}',
        references=(
            "awslabs/amazon-ecr-credential-helper issues #249, #976",
            "docker/cli issue #2145",
            "aws/aws-sdk-go-v2 · config/resolve_credentials.go · resolveCredentialChain",
        ),
    ),
    fixable=Applicability.SAFE,
)


# --- other clients: buildx scoped configs, containers/image files ------------------------------

_BUILDX_REFS = (
    "docker/buildx · util/dockerutil/dockerconfig/configprovider.go · authConfigProvider."
    "loadHost, init, parseConfigKey (PR docker/buildx#3562, v0.31.0)",
    "docker/buildx · util/confutil/config.go · NewConfig ($BUILDX_CONFIG, else "
    "<docker config dir>/buildx)",
)


def _scoped_ecr(ctx: Context) -> Iterator[tuple[Registry, ScopedUse]]:
    """(registry, use) for every buildx scoped config naming an ECR host, most specific first."""
    buildx = ctx.env.buildx
    if buildx is None or ctx.podman:
        return
    for host in dict.fromkeys(c.host for c in buildx.configs):
        registry = classify(host)
        if not registry.is_ecr or registry.host != host:
            continue
        for use in ctx.buildkit(registry):
            yield registry, use


def _main_source(resolution: Resolution) -> str:
    if resolution.helper:
        return f"{resolution.source.value} → {resolution.helper_binary}"
    return "anonymous" if resolution.source is Source.NONE else resolution.source.value


@FAMILY.rule(
    "CFG030",
    "buildx-scoped-static-ecr-token",
    Severity.HIGH,
    "A buildx scoped config gives BuildKit builds a static ECR token",
    RuleDoc(
        what="A buildx alternative config (`$BUILDX_CONFIG/config/<host>[/<repo>][@scope]/"
        "config.json`, by default under `~/.docker/buildx/config/`) for an ECR host answers "
        "with an inline `auths` credential: a token `docker login` or `aws ecr "
        "get-login-password` left there.",
        why="buildx ≥ 0.31 looks for such a config before the main one on every BuildKit "
        "registry request that names one repository (pulls of base images, pushes, cache "
        "import/export), and uses it instead of `~/.docker/config.json`. ECR tokens last 12 "
        "hours, so builds fail with `denied: Your authorization token has expired` (or a bare "
        "401/403) while `docker pull` of the same image works through the main config's "
        "helper. The secret also sits on disk.",
        fix="Delete the scoped config's `auths` entry (or the whole directory), or give it "
        "`{\"credHelpers\": {\"<host>\": \"ecr-login\"}}` so it fetches fresh tokens. "
        "ecr-doctor does not rewrite these files.",
        references=_BUILDX_REFS,
    ),
    needs_machine=True,
)
def buildx_scoped_static_token(self: Rule, ctx: Context) -> Iterator[Finding]:
    for registry, use in _scoped_ecr(ctx):
        res, config = use.resolution, use.config.config
        if res is None or config is None or res.source not in (Source.AUTHS, Source.AUTHS_LEGACY):
            continue
        entry = config.auth(res.auth_key or "")
        if entry is None:
            continue
        _, expiry = _token_state(ctx, entry)
        main = _main_source(ctx.resolution(registry))
        yield self.finding(
            f"buildx scoped config {use.config.relative}/config.json holds a static ECR token "
            f"for {registry.host} ({expiry or 'expiry unknown'}): BuildKit builds use it for "
            f"{use.applies_to}, not the main config's {main}",
            entry.location, registry=registry.host,
            details=(("scoped_config", use.config.path), ("applies_to", use.applies_to)))


@FAMILY.rule(
    "CFG031",
    "buildx-scoped-shadows-helper",
    Severity.HIGH,
    "A buildx scoped config shadows a working credential helper for BuildKit builds",
    RuleDoc(
        what="The main config sends an ECR host to a credential helper that is installed, but "
        "a buildx scoped config for that host (or one of its repositories or scopes) "
        "answers with nothing (anonymous), with a different helper that is not installed, or "
        "is a dangling link (buildx then loads an empty config).",
        why="For BuildKit builds, buildx picks the most specific scoped config (one naming "
        "the repository first, then the one with more scopes) and never consults the main "
        "config's `credHelpers` for that request. `docker pull` works while `docker buildx "
        "build` (and `docker build` with BuildKit, the default) fails with `no basic auth "
        "credentials` or `401 Unauthorized` for the same image. A dangling `config.json` "
        "link is not an error there: config.Load returns an empty config for a missing "
        "file.",
        fix="Remove the scoped directory, or give its config.json the same `credHelpers` "
        "entry as the main config. `ecr-doctor diagnose` lists, per registry, which scoped "
        "config a BuildKit build uses.",
        references=(*_BUILDX_REFS, "docker/cli · cli/config/config.go · load (a missing file "
                    "is an empty config)"),
    ),
    needs_machine=True,
)
def buildx_scoped_shadows_helper(self: Rule, ctx: Context) -> Iterator[Finding]:
    for registry, use in _scoped_ecr(ctx):
        main = ctx.resolution(registry)
        if (main.source not in (Source.CRED_HELPER, Source.CREDS_STORE) or not main.helper
                or _helper_is_usable(ctx, main.helper) is not True):
            continue
        res = use.resolution
        if res is None or res.source in (Source.AUTHS, Source.AUTHS_LEGACY, Source.ENV):
            continue  # unusable files: CFG032; static tokens: CFG030
        if res.helper == main.helper:
            continue
        if res.helper and _helper_is_usable(ctx, res.helper):
            continue  # another working helper: a deliberate choice
        what = (f"{res.source.value} → {res.helper_binary}, which is not installed"
                if res.helper else "no credentials (anonymous)")
        if use.config.state == "missing":
            what = "an empty config (its config.json is a dangling link), so anonymous"
        yield self.finding(
            f"buildx scoped config {use.config.relative}/config.json gives {registry.host} "
            f"{what} for {use.applies_to}: BuildKit builds do not use the main config's "
            f"{_main_source(main)}",
            ctx.helper_location(registry.host), registry=registry.host,
            details=(("scoped_config", use.config.path), ("applies_to", use.applies_to)))


@FAMILY.rule(
    "CFG032",
    "buildx-scoped-config-unusable",
    Severity.LOW,
    "A buildx scoped config cannot be loaded: buildx ignores it, or hangs on it",
    RuleDoc(
        what="A `config.json` under buildx's scoped-config tree is malformed, unreadable, a "
        "symbolic link loop or not a regular file (a FIFO), or a directory there cannot be "
        "listed.",
        why="buildx loads the scoped config with config.Load and, when that fails, silently "
        "uses the main config: the file you wrote to change a build's credentials has no "
        "effect and nothing says so. A FIFO is worse: opening it blocks until something "
        "writes to it, so every BuildKit build that reaches that host hangs. A directory "
        "buildx cannot list ends its walk (Go's filepath.WalkDir stops at the first error), "
        "so later scoped configs are ignored too.",
        fix="Fix the JSON (`ecr-doctor diagnose --config <that file>` shows where), or "
        "remove the file.",
        references=_BUILDX_REFS,
    ),
    needs_machine=True,
)
def buildx_scoped_unusable(self: Rule, ctx: Context) -> Iterator[Finding]:
    buildx = ctx.env.buildx
    if buildx is None or ctx.podman:
        return
    for config in buildx.configs:
        where = Location(config.path, 1, 1)
        if config.state == "fifo":
            yield self.finding(
                f"buildx scoped config {config.relative}/config.json is {config.error}: buildx "
                f"blocks opening it, so BuildKit builds that reach {config.host} hang",
                where, registry=config.host, severity=Severity.HIGH)
        elif config.state in ("broken", "unknown"):
            effect = ("buildx silently uses the main config instead" if config.state == "broken"
                      else "ecr-doctor did not read it, so what buildx does is unknown")
            yield self.finding(
                f"buildx scoped config {config.relative}/config.json cannot be used "
                f"({config.error}): {effect}", where, registry=config.host)
    if buildx.walk_error:
        yield self.finding(f"buildx cannot list {buildx.walk_error}: its walk of {buildx.base} "
                           "stops there and ignores every scoped config after it",
                           Location(buildx.base, 1, 1))


@FAMILY.rule(
    "CFG033",
    "creds-store-ignored-by-podman",
    Severity.LOW,
    "podman, skopeo and buildah ignore credsStore",
    RuleDoc(
        what="A file read by containers/image (podman, skopeo, buildah: `auth.json`, or a "
        "Docker config they fall back to) sets `credsStore`.",
        why="containers/image decodes only `auths` and `credHelpers` "
        "(pkg/docker/config/config.go `dockerConfigFile`): `credsStore` is never read. A "
        "registry the store was meant to serve gets its `auths` entry, or nothing, and the "
        "pull is anonymous (`unauthorized: authentication required`). The Docker CLI reading "
        "the same file does use it, so the two clients disagree.",
        fix='Map each registry in `credHelpers` (`{"credHelpers": {"<host>": "ecr-login"}}`), '
        "which both clients honour, or log in with `podman login`.",
        references=("containers/container-libs · image/pkg/docker/config/config.go · "
                    "dockerConfigFile, findCredentialsInFile",),
    ),
)
def creds_store_ignored_by_podman(self: Rule, ctx: Context) -> Iterator[Finding]:
    store = ctx.config.creds_store
    if not ctx.podman or store is None or not store.value:
        return
    served = [key for key in (ctx.resolution(r).lookup_key for r in ctx.registries)
              if not ctx.config.helper(key)]
    for_hosts = f" (registries without a credHelpers entry: {', '.join(served[:5])})" if (
        served) else ""
    yield self.finding(
        f'credsStore "{store.value}" is ignored when podman, skopeo or buildah read this file: '
        f"they use only auths and credHelpers{for_hosts}", store.location)


# Under WSL, Docker Desktop writes `"credsStore": "desktop.exe"` into the distribution's
# config; where the Windows helper cannot run there (Desktop's WSL integration off, or no
# interop), every pull fails. The widely used workaround misspells the key on purpose, so
# Docker ignores it and Desktop, which rewrites `credsStore` when it starts, leaves it alone
# (ddev/ddev#2342; docker/for-win#12091; docker/desktop-feedback#418).
_WSL_STORES = frozenset({"desktop.exe", "wincred.exe"})


def _is_store_turned_off(ctx: Context, key: str) -> bool:
    return key == "credStore" and (_string_value(ctx, key) or "").lower() in _WSL_STORES


@FAMILY.rule(
    "CFG034",
    "store-turned-off-on-purpose",
    Severity.INFO,
    '"credStore" (the WSL workaround) keeps the Windows credential store off',
    RuleDoc(
        what='A top-level `"credStore": "desktop.exe"` (or `wincred.exe`): the misspelling '
        "of `credsStore` that WSL users write on purpose when Docker Desktop's Windows helper "
        "cannot run inside their distribution.",
        why="Docker's config struct has no `credStore`, so the key is ignored and no store is "
        "used (docker/cli cli/config/configfile/file.go `ConfigFile`): `docker login` then "
        "writes base64 credentials into this file, and Docker Desktop, which rewrites "
        "`credsStore` when it starts, leaves the misspelt key alone. It is not a typo to "
        "correct: renaming it turns the store back on, and every registry without a "
        "credHelpers entry fails again if `docker-credential-desktop.exe` cannot run.",
        fix="Leave it, knowing logins land in this file (keep ECR in credHelpers, so no ECR "
        "token does). To use the store instead, turn on Docker Desktop's WSL integration "
        "for this distribution (Settings → Resources → WSL integration), check that "
        "`docker-credential-desktop.exe list` runs here, then rename the key to `credsStore`.",
        references=("docker/cli · cli/config/configfile/file.go · ConfigFile",
                    "ddev/ddev#2342 (the workaround, reported working)",
                    "docker/desktop-feedback#418 (Desktop rewrites credsStore)"),
    ),
    fixable=Applicability.UNSAFE,
)
def store_turned_off_on_purpose(self: Rule, ctx: Context) -> Iterator[Finding]:
    for top in ctx.config.top_level:
        if top.canonical is not None or not _is_store_turned_off(ctx, top.key):
            continue
        store = _string_value(ctx, top.key) or ""
        fix = None
        if _helper_installed(ctx, store) and "credsStore" not in {
                t.canonical for t in ctx.config.top_level}:
            # Only where the helper runs here; still unsafe: it changes every registry.
            fix = Fix(f'rename "{top.key}" to "credsStore" ({HELPER_PREFIX}{store} runs here)',
                      Applicability.UNSAFE, (RenameTopLevel(top.key, "credsStore"),))
        yield self.finding(
            f'"credStore": "{store}" keeps the credential store off (Docker ignores the key: '
            "the WSL workaround); `docker login` writes credentials into this file",
            top.location, fix=fix)


def _legacy_hosts(ctx: Context) -> list[tuple[str, int]]:
    """Top-level keys shaped as the legacy ~/.dockercfg writes them (a registry host whose
    value is an entry with `auth`), with their offsets: the pre-1.7 format, which has no
    `auths` object around them."""
    root = ctx.config.root
    if root is None or root.kind != "object":
        return []
    return [(m.key, m.key_start) for m in root.members
            if m.value.kind == "object" and any(e.key == "auth" for e in m.value.members)
            and m.key.lower() not in ("auths", "credhelpers", "credsstore")]


@FAMILY.rule(
    "CFG035",
    "legacy-dockercfg",
    Severity.LOW,
    "A legacy ~/.dockercfg is not read by Docker 23.0 and later",
    RuleDoc(
        what="A file in the pre-1.7 `~/.dockercfg` format (registry hosts at the top level, "
        "no `auths` object), or a file named `.dockercfg`.",
        why="Docker 20.10 deprecated the legacy file and 23.0 removed it (docker/cli "
        "docs/deprecated.md · Support for the legacy ~/.dockercfg configuration file for "
        "authentication): a current CLI never reads it, and 20.10 to 22.x read it only when "
        "~/.docker/config.json does not exist. Logins kept there are silently unused, so "
        "pulls go out anonymous (`no basic auth credentials`, `pull access denied`).",
        fix="Log in again so the CLI writes ~/.docker/config.json (for ECR, map the registry "
        "to the ECR helper in `credHelpers` instead of logging in), then delete the legacy "
        "file: it may still hold a password in base64.",
        references=("docker/cli · docs/deprecated.md · Support for the legacy ~/.dockercfg "
                    "configuration file for authentication (deprecated v20.10, removed v23.0)",
                    "docker/cli · cli/config/config.go · Load"),
    ),
)
def legacy_dockercfg(self: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.podman:
        return  # containers/image still reads it, as its last fallback (getAuthFilePaths)
    hosts = _legacy_hosts(ctx)
    named = ctx.config.path.replace("\\", "/").rsplit("/", 1)[-1] == ".dockercfg"
    if not hosts and not named:
        return
    if ctx.config.creds_store is not None or ctx.config.cred_helpers or ctx.config.auths:
        return  # the current format, whatever the file is called
    where = ctx.config.location_of(hosts[0][1]) if hosts else Location(ctx.config.path, 1, 1)
    logins = f" (logins for {', '.join(h for h, _ in hosts[:5])})" if hosts else ""
    yield self.finding(
        f"a legacy .dockercfg{logins}: Docker 23.0 and later never read it (20.10 to 22.x only "
        "when ~/.docker/config.json is missing), so its logins are not used", where)


# GitHub's token prefixes (github.blog, "Behind GitHub's new authentication token formats"):
# ghp_ classic personal access token, github_pat_ fine-grained one, ghs_ a GitHub App
# installation token, which is what an Actions job's GITHUB_TOKEN is.
_GHCR_FINE_GRAINED, _GHCR_ACTIONS = "github_pat_", "ghs_"


def _ghcr_password(entry: AuthEntry) -> str:
    secret = entry.decoded_password or entry.password
    return secret.reveal() if secret is not None else ""


@FAMILY.rule(
    "CFG036",
    "ghcr-token-kind",
    Severity.MEDIUM,
    "The GHCR credential is a kind of token the Container registry refuses or that expired",
    RuleDoc(
        what="An `auths` entry for ghcr.io whose password is a fine-grained personal access "
        "token (`github_pat_…`), or a GitHub Actions job token (`ghs_…`).",
        why="GitHub Packages authenticates only with a personal access token (classic): a "
        "fine-grained one is refused, so private pulls and every push end in `denied` or "
        "`unauthorized`. An Actions token (GITHUB_TOKEN) is valid only while its job runs; "
        "stored in a config it has expired, and a runner that reuses the file sends it "
        "anyway.",
        fix="For a person: a classic token with `read:packages` (and `write:packages` to "
        "push), `echo $TOKEN | docker login ghcr.io -u USER --password-stdin`. In Actions: "
        "log in with `${{ secrets.GITHUB_TOKEN }}` in the job that needs it (`permissions: "
        "packages: read`, or `write` to push), never from a stored config.",
        references=("docs.github.com · Working with the Container registry · Authenticating "
                    "to the Container registry (personal access token (classic) only)",
                    "docs.github.com · Automatic token authentication (GITHUB_TOKEN expires "
                    "when the job finishes)"),
    ),
)
def ghcr_token_kind(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if registry.kind is not RegistryKind.GHCR or entry.auth_error:
            continue
        if entry.key in ctx.resolution(registry).shadowed_auths:
            continue
        password = _ghcr_password(entry)
        if password.startswith(_GHCR_FINE_GRAINED):
            yield self.finding(
                "the ghcr.io login is a fine-grained personal access token (github_pat_): "
                "GitHub Packages accepts only classic tokens, so private pulls and pushes are "
                "denied", entry.location, registry=registry.host)
        elif password.startswith(_GHCR_ACTIONS):
            yield self.finding(
                "the ghcr.io login is a GitHub Actions job token (ghs_): it expired when its "
                "job finished, and is still sent from this file", entry.location,
                registry=registry.host)


# Google's registries take these user names with a static secret (cloud.google.com ·
# Artifact Registry · Configure authentication to Artifact Registry for Docker: a service
# account key as `_json_key` / `_json_key_base64`, an access token as `oauth2accesstoken`).
_GOOGLE_KEY_USERS = frozenset({"_json_key", "_json_key_base64"})
_GOOGLE_TOKEN_USER = "oauth2accesstoken"


@FAMILY.rule(
    "CFG037",
    "google-static-credential",
    Severity.HIGH,
    "A Google registry login holds a service account key, or an access token that lasts an hour",
    RuleDoc(
        what="An `auths` entry for gcr.io or an Artifact Registry host (`*-docker.pkg.dev`) "
        "logged in as `_json_key` / `_json_key_base64` (the password is a service account "
        "key) or as `oauth2accesstoken` (the password is an OAuth2 access token).",
        why="A service account key never expires: in base64 in this file, whoever reads it "
        "acts as that service account until someone deletes the key. An access token lasts "
        "about an hour (Google's OAuth2 access tokens), after which every pull and push "
        "fails with `unauthorized` while the file still sends it.",
        fix="Use the helper, which mints a short-lived token per request: `gcloud auth "
        "configure-docker <host>` (it writes `credHelpers` entries for `gcloud`), or "
        "docker-credential-gcr; then `docker logout <host>` to drop the stored secret, and "
        "delete the service account key if nothing else uses it.",
        references=("cloud.google.com · Artifact Registry · Configure authentication to "
                    "Artifact Registry for Docker (credential helper; access token; service "
                    "account key)",),
    ),
)
def google_static_credential(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if (registry.kind not in (RegistryKind.GCR, RegistryKind.ARTIFACT_REGISTRY)
                or entry.auth_error or entry.key in ctx.resolution(registry).shadowed_auths):
            continue
        user = (entry.decoded_username or entry.username or "").lower()
        if user in _GOOGLE_KEY_USERS:
            yield self.finding(
                f"{registry.host} is logged in with a service account key ({user}): it "
                "never expires, and anyone who reads this file acts as that account",
                entry.location, registry=registry.host)
        elif user == _GOOGLE_TOKEN_USER:
            yield self.finding(
                f"{registry.host} is logged in with an OAuth2 access token (oauth2accesstoken)"
                ": it lasts about an hour, then every pull and push is unauthorized",
                entry.location, registry=registry.host, severity=Severity.MEDIUM)


# `az acr login` stores the registry's refresh token as the identity token, under the user
# 00000000-0000-0000-0000-000000000000 (learn.microsoft.com · Azure Container Registry ·
# Authenticate with an Azure container registry: "az acr login" tokens are valid for 3 hours).


@FAMILY.rule(
    "CFG038",
    "acr-token-expired",
    Severity.MEDIUM,
    "An Azure Container Registry login holds a token that has expired",
    RuleDoc(
        what="An `auths` entry for `*.azurecr.io` whose identity token (what `az acr login` "
        "stores, under the user 00000000-0000-0000-0000-000000000000) or password is a JSON "
        "Web Token whose `exp` has passed.",
        why="ACR tokens from `az acr login` last 3 hours. Docker sends the stored one after "
        "that; the registry answers `unauthorized: authentication required`, and nothing in "
        "the message says the token is simply old.",
        fix="Log in again (`az acr login --name <registry>`), or use a helper that fetches a "
        "token per request (docker-credential-acr-env with a service principal or managed "
        "identity) so nothing goes stale in this file.",
        references=("learn.microsoft.com · Azure Container Registry · Authenticate with an "
                    "Azure container registry (az acr login: tokens valid for 3 hours)",),
    ),
)
def acr_token_expired(self: Rule, ctx: Context) -> Iterator[Finding]:
    for entry in ctx.config.auths:
        registry = classify(entry.key)
        if (registry.kind is not RegistryKind.ACR or entry.auth_error
                or entry.key in ctx.resolution(registry).shadowed_auths):
            continue
        secret = entry.identitytoken or entry.decoded_password or entry.password
        expires = jwt_expiry(secret.reveal()) if secret is not None else None
        status = expiry_status(expires, ctx.env.now)
        if status.state != "expired":
            continue
        yield self.finding(
            f"{registry.host}'s stored token {status.describe()}; Docker still sends it, and "
            "the registry answers unauthorized", entry.location, registry=registry.host)
