"""The fixer: engine.fix_text under a machine and Options picked by the first byte.

Input: selector byte, then the config file's bytes. A file that parse_config refuses
(ConfigError) is not fixed, as `ecr-doctor fix` would not; nothing else may be raised.
Properties: the fixed text re-parses (strictly: Docker can read it), and fixing it again,
with the file mode the first fix set, changes nothing (idempotent).
"""

from __future__ import annotations

from _common import ECR, NOW, instrumented, main, selector

with instrumented():
    from ecr_doctor.core.dockerconfig import ConfigError, parse_config
    from ecr_doctor.core.engine import fix_text
    from ecr_doctor.core.environment import Environment, HelperBinary, unknown_environment
    from ecr_doctor.core.fixer import plan_fix  # noqa: F401  (fix_text imports it lazily)
    from ecr_doctor.core.options import Options


def _helper(name: str, *, found: bool = True,
            version: tuple[int, int, int] | None = None) -> HelperBinary:
    return HelperBinary(
        name=name, executable_name=f"docker-credential-{name}",
        path=f"/usr/bin/docker-credential-{name}" if found else None, found=found,
        executable=found, version=".".join(map(str, version)) if version else None,
        version_tuple=version, version_source="-v" if version else None)


def _machine(*helpers: HelperBinary, aws: bool = True) -> Environment:
    base = unknown_environment(NOW)
    sources = base.aws
    if aws:
        sources = sources._replace(profile="dev", profile_defined=True, profiles=("dev",),
                                   profile_kind="sso")
    return base._replace(known=True, platform="linux", helpers=helpers, aws=sources,
                         home="/home/test")


ENVIRONMENTS = (
    unknown_environment(NOW),  # pasted text, as in the web page
    _machine(_helper("ecr-login", version=(0, 12, 0)), _helper("desktop", found=False)),
    _machine(aws=False),  # no helper, no AWS credentials
    _machine(_helper("ecr-login", version=(0, 6, 0)), _helper("desktop"), _helper("pass")),
)
MODES = (None, 0o600, 0o644, 0o666)


def options_for(choice: int) -> tuple[Environment, Options]:
    env = ENVIRONMENTS[choice & 3]
    return env, Options(
        registries=(ECR,) if choice & 4 else (),
        unsafe_fixes=bool(choice & 8),
        file_mode=MODES[(choice >> 4) & 3],
        file_exists=not choice & 64,
    )


def test_one_input(data: bytes) -> None:
    choice, raw = selector(data, 128)
    try:
        config = parse_config(raw, "config.json")
    except ConfigError:
        return
    text = "\ufeff" + config.text if config.has_bom else config.text
    env, options = options_for(choice)
    plan = fix_text(text, "config.json", env, options)
    assert plan.before == text
    try:
        parse_config(plan.after, "config.json")
    except ConfigError as exc:
        raise AssertionError(f"the fixed text does not parse: {exc}") from None
    again_options = options if plan.mode is None else options._replace(file_mode=plan.mode)
    again = fix_text(plan.after, "config.json", env, again_options)
    assert again.after == plan.after, "fixing the fixed text changed it again"
    assert again.mode in (None, again_options.file_mode), "fixing again changed the mode"


if __name__ == "__main__":
    main(test_one_input)
