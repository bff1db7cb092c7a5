"""What `fix` produces: the intended change, nothing else, and the same thing twice."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ECR, ECR2, expired_auth, helper, live_auth, machine

from ecr_doctor.core.engine import diagnose_text, fix_text
from ecr_doctor.core.fixer import mask_secrets
from ecr_doctor.core.options import DEFAULT_OPTIONS, Options

GOOD = machine(helper("ecr-login", version=(0, 12, 0)))


def fixed(text: str, options: Options = DEFAULT_OPTIONS) -> str:
    return fix_text(text, "config.json", GOOD, options).after


def test_removes_stale_token_and_adds_scoped_helper_in_docker_style() -> None:
    before = (
        '{\n\t"auths": {\n\t\t"https://%s": {\n\t\t\t"auth": "%s",\n\t\t\t"email": "none"\n'
        '\t\t}\n\t},\n\t"psFormat": "table {{.ID}}"\n}\n' % (ECR, expired_auth())
    )
    after = fixed(before)
    assert after == (
        '{\n\t"auths": {},\n\t"psFormat": "table {{.ID}}",\n\t"credHelpers": {\n'
        '\t\t"%s": "ecr-login"\n\t}\n}\n' % ECR
    )


def test_keeps_unrelated_bytes_and_order_with_two_space_indent() -> None:
    doc = {"HttpHeaders": {"X-Meta": "é ☃"}, "auths": {"ghcr.io": {}, ECR: {"auth": expired_auth()}},
           "credHelpers": {ECR2: "ecr-login"}, "proxies": {"default": {"httpProxy": "http://p:3128"}}}
    before = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    after = fixed(before)
    result = json.loads(after)
    assert list(result) == list(doc)
    assert result["HttpHeaders"] == doc["HttpHeaders"] and result["proxies"] == doc["proxies"]
    assert result["auths"] == {"ghcr.io": {}}
    assert result["credHelpers"] == {ECR2: "ecr-login", ECR: "ecr-login"}
    assert '  "credHelpers": {\n    "%s": "ecr-login",\n    "%s": "ecr-login"\n  }' % (ECR2, ECR) in after


def test_fix_is_idempotent_and_clean_afterwards() -> None:
    before = json.dumps({"auths": {f"https://{ECR}/v2/": {"auth": expired_auth()}},
                         "credHelpers": {f"https://{ECR}": "docker-credential-ecr-login"},
                         "credStore": "ecr-login"}, indent="\t")
    once = fixed(before, Options(unsafe_fixes=True))
    assert fixed(once, Options(unsafe_fixes=True)) == once
    remaining = diagnose_text(once, "config.json", GOOD).findings
    assert [f.rule_id for f in remaining if f.fix is not None] == []
    assert json.loads(once)["credHelpers"] == {ECR: "ecr-login"}


def test_unsafe_fixes_are_held_back_by_default() -> None:
    before = json.dumps({"auths": {ECR: {}}, "credsStore": "ecr-login"})
    plan = fix_text(before, "config.json", GOOD)
    assert [f.rule_id for f in plan.unsafe_skipped] == ["CFG005"]
    assert json.loads(plan.after)["credsStore"] == "ecr-login"
    unsafe = json.loads(fixed(before, Options(unsafe_fixes=True)))
    assert "credsStore" not in unsafe and unsafe["credHelpers"] == {ECR: "ecr-login"}


def test_registry_flag_sets_up_hosts_in_empty_file() -> None:
    after = fixed("", Options(registries=(ECR,)))
    assert after == '{\n\t"credHelpers": {\n\t\t"%s": "ecr-login"\n\t}\n}\n' % ECR


def test_bom_stripped_and_nothing_else() -> None:
    body = '{\n\t"credHelpers": {\n\t\t"%s": "ecr-login"\n\t}\n}\n' % ECR
    assert fixed("\ufeff" + body) == body


def test_rename_merges_into_existing_map() -> None:
    before = json.dumps({"credHelpers": {ECR: "ecr-login"}, "credHelper": {ECR2: "ecr-login"}})
    result = json.loads(fixed(before))
    assert result == {"credHelpers": {ECR: "ecr-login", ECR2: "ecr-login"}}


def test_duplicate_credhelpers_objects_updated_in_place() -> None:
    text = '{"credHelpers": {"%s": "docker-credential-ecr-login"}, "CredHelpers": {}}' % ECR
    after = fixed(text)
    assert '"%s": "ecr-login"' % ECR in after and after.count("redHelpers") == 2


def test_mode_fix_reported() -> None:
    plan = fix_text(json.dumps({"credHelpers": {ECR: "ecr-login"}}), "c.json", GOOD,
                    Options(file_mode=0o644))
    assert plan.mode == 0o600 and plan.changed and plan.before == plan.after


def test_diff_masks_every_credential() -> None:
    token = live_auth(3)
    before = json.dumps({"auths": {ECR: {"auth": token}}}, indent="\t")
    plan = fix_text(before, "config.json", machine(helper("ecr-login")))
    diff = plan.diff()
    assert "-\t\t\t\"auth\": \"<redacted fp:" in diff
    assert token[:12] not in diff and token[-12:] not in diff


def test_mask_secrets_keeps_lines() -> None:
    text = '{"auths": {"h": {"auth": "abc\\"def", "password": "pw"}}, "x": "keep"}'
    masked = mask_secrets(text)
    assert "abc" not in masked and '"pw"' not in masked and '"keep"' in masked
    assert masked.count("\n") == text.count("\n")


def test_misspelt_ecr_login_store_is_removed_not_renamed() -> None:
    before = json.dumps({"auths": {ECR: {}}, "credStore": "ecr-login"}, indent="\t")
    result = json.loads(fixed(before))
    assert result == {"auths": {}, "credHelpers": {ECR: "ecr-login"}}


# --- "fixes that never leave the user worse off" (issue: trustworthy under attack, item 3) ------
# A fix is safe only if every registry works at least as well afterwards.

NO_HELPER = machine(helper("ecr-login", found=False))


def test_safe_fix_keeps_a_live_token_when_the_helper_is_not_installed() -> None:
    before = json.dumps({"auths": {ECR: {"auth": live_auth()}}}, indent="\t")
    plan = fix_text(before, "config.json", NO_HELPER)
    assert plan.after == before and plan.applied == ()
    assert sorted(f.rule_id for f in plan.unsafe_skipped) == ["CFG001", "CFG002"]
    unsafe = json.loads(fix_text(before, "config.json", NO_HELPER,
                                 Options(unsafe_fixes=True)).after)
    assert unsafe == {"auths": {}, "credHelpers": {ECR: "ecr-login"}}


def test_safe_fix_keeps_a_live_token_the_missing_helper_falls_back_to() -> None:
    # credHelpers names the helper, but it is not installed: Docker hands back the auths entry
    # with the error, and pull (CLI <= 28) sends it. The token is what keeps pulls working.
    before = json.dumps({"auths": {ECR: {"auth": live_auth()}}, "credHelpers": {ECR: "ecr-login"}})
    plan = fix_text(before, "config.json", NO_HELPER)
    assert plan.after == before
    assert [f.rule_id for f in plan.unsafe_skipped] == ["CFG001"]


def test_expired_token_is_removed_safely_but_not_pointed_at_a_missing_helper() -> None:
    before = json.dumps({"auths": {ECR: {"auth": expired_auth()}}}, indent="\t")
    plan = fix_text(before, "config.json", NO_HELPER)
    assert json.loads(plan.after) == {"auths": {}}
    (removal,) = plan.applied
    assert removal.rule_id == "CFG001"
    assert "docker-credential-ecr-login is not installed" in removal.message
    assert f"then map the host: `ecr-doctor fix --write --registry {ECR}`" in removal.message
    # The host is mapped only when asked for unsafe fixes (or once the helper is installed).
    unsafe = fix_text(before, "config.json", NO_HELPER, Options(unsafe_fixes=True))
    assert json.loads(unsafe.after) == {"auths": {}, "credHelpers": {ECR: "ecr-login"}}


def test_removing_the_global_store_maps_every_host_it_served() -> None:
    from datetime import timedelta

    from conftest import NOW

    from ecr_doctor.core.forensics import Forensics, HelperCache, HelperCacheEntry

    cache = HelperCache("/home/test/.ecr/cache.json", True, (
        HelperCacheEntry(ECR2, "ecr", "sha256", NOW - timedelta(hours=1),
                         NOW + timedelta(hours=11), "fresh"),
        HelperCacheEntry("(unknown registry)", "ecr", "sha256", None, None, "unknown"),
    ))
    env = GOOD._replace(forensics=Forensics(helper_cache=cache))
    before = json.dumps({"auths": {"ghcr.io": {}}, "credsStore": "ecr-login"}, indent="\t")
    result = json.loads(fix_text(before, "config.json", env,
                                 Options(registries=(ECR,), unsafe_fixes=True)).after)
    assert result == {"auths": {"ghcr.io": {}}, "credHelpers": {ECR: "ecr-login",
                                                                 ECR2: "ecr-login"}}


def test_global_store_with_no_known_host_is_left_alone_and_the_command_is_printed() -> None:
    before = json.dumps({"credsStore": "ecr-login"}, indent="\t")  # as AWS's README shows it
    plan = fix_text(before, "config.json", GOOD, Options(unsafe_fixes=True))
    assert plan.after == before and plan.applied == () and plan.unsafe_skipped == ()
    assert [f.rule_id for f in plan.withheld] == ["CFG005"]
    (f,) = [f for f in diagnose_text(before, "config.json", GOOD).findings
            if f.rule_id == "CFG005"]
    assert f.fix is None
    assert ("ecr-doctor fix --write --unsafe-fixes --registry "
            "<account>.dkr.ecr.<region>.amazonaws.com") in f.message


def test_placeholders_are_removed_only_for_hosts_the_ecr_helper_serves() -> None:
    env = machine(helper("ecr-login"), helper("desktop"))
    doc = {"auths": {"ghcr.io": {}, ECR: {}, ECR2: {}},
           "credHelpers": {"ghcr.io": "desktop", ECR: "desktop", ECR2: "ecr-login"}}
    result = json.loads(fix_text(json.dumps(doc), "config.json", env).after)
    assert result["auths"] == {"ghcr.io": {}, ECR: {}}


def test_a_fix_leaves_data_after_the_document_alone() -> None:
    # Found by fuzz/fuzz_fixer.py: Docker ignores what follows the JSON value, parse_config
    # accepts it, and the fixer used to raise JsonSyntaxError on it.
    plan = fix_text('{"credStore": "ecr-login"}\n.', "config.json", GOOD)
    assert plan.after.endswith("\n.") and '"credStore"' not in plan.after


def test_a_misspelt_key_of_the_wrong_type_is_not_renamed() -> None:
    # Found by fuzz/fuzz_fixer.py: renaming `credHelper` (an object of objects) to
    # `credHelpers` wrote a config Docker cannot decode at all.
    text = '{"credHelper": {"' + ECR + '": {}}}'
    from ecr_doctor.core.engine import diagnose_text

    cfg006 = [f for f in diagnose_text(text, "config.json", GOOD).findings
              if f.rule_id == "CFG006"]
    assert cfg006 and cfg006[0].fix is None
    assert fix_text(text, "config.json", GOOD).after == text


def test_a_null_document_is_fixed_as_the_empty_config_docker_reads() -> None:
    # Found by fuzz/fuzz_fixer.py (fuzz/crashes/fixer/null-document): the fixer raised
    # ValueError. Docker decodes `null` into its config as a no-op, so it is an empty config.
    env = machine(helper("ecr-login"))
    for text, tail in (("null\n", "\n"), (" null\n\t}", "\n\t}")):
        plan = fix_text(text, "config.json", env, Options(registries=(ECR,)))
        assert plan.after.endswith(tail)
        assert json.loads(plan.after[: len(plan.after) - len(tail)]) == {
            "credHelpers": {ECR: "ecr-login"}}
        assert fix_text(plan.after, "config.json", env,
                        Options(registries=(ECR,))).after == plan.after


def test_the_apply_hint_repeats_the_registries_of_the_run(tmp_path: Path) -> None:
    # `fix --registry HOST` showed a diff, then told the user a command without --registry,
    # which plans nothing for HOST.
    import subprocess
    import sys

    config = tmp_path / "config.json"
    config.write_text("{}")
    proc = subprocess.run([sys.executable, "-m", "ecr_doctor", "fix", "--config", str(config),
                           "--registry", ECR, "--unsafe-fixes"], capture_output=True,
                          text=True, timeout=60, env={"PATH": "/usr/bin:/bin",
                                                      "HOME": str(tmp_path), "NO_COLOR": "1"})
    hint = [line for line in proc.stdout.splitlines() if line.startswith("Nothing written")]
    assert hint == [f"Nothing written. Apply with: ecr-doctor fix --write --config {config} "
                    f"--registry {ECR} --unsafe-fixes"], proc.stdout
