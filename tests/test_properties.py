"""Properties users rely on, over thousands of generated configs (2,000 examples each in CI)."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import NOW, PROPERTY_EXAMPLES, helper, machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecr_doctor.cli.main import main
from ecr_doctor.core.dockerconfig import docker_field
from ecr_doctor.core.engine import diagnose_text, fix_text
from ecr_doctor.core.options import Options
from ecr_doctor.core.tokens import make_ecr_auth
from ecr_doctor.render.jsonout import diagnosis_result, dumps, fix_result
from ecr_doctor.render.style import Style
from ecr_doctor.render.text import render_diagnosis

ENV = machine(helper("ecr-login", version=(0, 12, 0)), helper("desktop", found=False))
SETTINGS = settings(max_examples=PROPERTY_EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MANAGED = {"auths", "credhelpers", "credsstore", "credstore", "credhelper", "auth",
           "credentialsstore", "credentialstore", "credshelpers", "credentialhelpers",
           "credentialshelpers", "credhelpres", "authconfigs"}

accounts = st.from_regex(r"\A[0-9]{12}\Z")
regions = st.sampled_from(["us-east-1", "eu-west-1", "ap-south-1", "cn-north-1", "us-gov-west-1"])


@st.composite
def ecr_hosts(draw: st.DrawFn) -> str:
    region = draw(regions)
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{draw(accounts)}.dkr.ecr.{region}.{suffix}"


other_hosts = st.sampled_from(["ghcr.io", "quay.io", "registry.example:5000", "gcr.io",
                               "https://index.docker.io/v1/", "myacr.azurecr.io"])


@st.composite
def key_forms(draw: st.DrawFn, host: str) -> str:
    return draw(st.sampled_from([host, f"https://{host}", f"https://{host}/v2/", f"{host}/app",
                                 f"{host}:443"]))


@st.composite
def secrets(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        delta = timedelta(hours=draw(st.integers(-1000, 11)))
        return make_ecr_auth(NOW + delta, seed=draw(st.integers(0, 10**6)))
    raw = draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=12, max_size=40))
    import base64

    return base64.b64encode(f"user:{raw}".encode()).decode()


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=3)
                           | st.dictionaries(st.text(max_size=6), c, max_size=3), max_leaves=8)
# Keys Docker does not know: a key folding onto one of its fields has a type Docker enforces.
unrelated_keys = st.text(min_size=1, max_size=10).filter(
    lambda k: k.lower() not in MANAGED and docker_field(k) is None)


@st.composite
def configs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    planted: list[str] = []
    doc: dict[str, Any] = {}
    for key, value in draw(st.dictionaries(unrelated_keys, json_values, max_size=4)).items():
        doc[key] = value
    auths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        host = draw(st.one_of(ecr_hosts(), other_hosts))
        key = draw(key_forms(host)) if "://" not in host else host
        if draw(st.booleans()):
            secret = draw(secrets())
            planted.append(secret)
            entry: dict[str, Any] = {"auth": secret}
            if draw(st.booleans()):
                entry["email"] = "none"
        else:
            entry = {}
        auths[key] = entry
    if auths or draw(st.booleans()):
        doc["auths"] = auths
    helpers: dict[str, str] = {}
    for _ in range(draw(st.integers(0, 3))):
        host = draw(st.one_of(ecr_hosts(), other_hosts))
        key = draw(key_forms(host)) if "://" not in host else host
        helpers[key] = draw(st.sampled_from(["ecr-login", "docker-credential-ecr-login",
                                             "desktop", "pass", "", " ecr-login"]))
    if helpers:
        doc["credHelpers"] = helpers
    store = draw(st.sampled_from([None, "ecr-login", "desktop", "pass"]))
    if store is not None:
        doc[draw(st.sampled_from(["credsStore", "credStore"]))] = store
    order = draw(st.permutations(list(doc)))
    return {k: doc[k] for k in order}, planted


indents = st.sampled_from(["\t", 2, 4, None])


def dump(doc: dict[str, Any], indent: str | int | None) -> str:
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


@SETTINGS
@given(configs(), indents, st.booleans())
def test_fix_keeps_unrelated_keys_is_valid_and_idempotent(
    generated: tuple[dict[str, Any], list[str]], indent: str | int | None, unsafe: bool
) -> None:
    doc, _ = generated
    text = dump(doc, indent)
    plan = fix_text(text, "config.json", ENV, Options(unsafe_fixes=unsafe))
    result = json.loads(plan.after)  # always valid JSON
    unrelated = [k for k in doc if k.lower() not in MANAGED]
    assert [k for k in result if k in unrelated] == unrelated  # same keys, same order
    for key in unrelated:
        assert result[key] == doc[key]
    for key, entry in doc.get("auths", {}).items():
        if "dkr.ecr" not in key:
            assert result["auths"][key] == entry
    again = fix_text(plan.after, "config.json", ENV, Options(unsafe_fixes=unsafe))
    assert again.after == plan.after  # idempotent


@SETTINGS
@given(configs(), indents)
def test_no_secret_in_any_output(generated: tuple[dict[str, Any], list[str]],
                                 indent: str | int | None) -> None:
    doc, planted = generated
    text = dump(doc, indent)
    diagnosis = diagnose_text(text, "config.json", ENV)
    plan = fix_text(text, "config.json", ENV, Options(unsafe_fixes=True))
    outputs = [
        render_diagnosis(diagnosis, ENV, Style(False), header="h", config_arg=None, registries=[]),
        dumps(diagnosis_result(diagnosis, config={})),
        dumps(fix_result(plan, mode="diff", written=False, backup=None)),
        plan.diff(),
    ]
    blob = "\n".join(outputs)
    for secret in planted:
        for start in range(0, max(1, len(secret) - 16), 16):
            assert secret[start:start + 16] not in blob


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(configs(), indents)
def test_check_after_write_exits_0(generated: tuple[dict[str, Any], list[str]],
                                   indent: str | int | None) -> None:
    doc, _ = generated
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.json"
        path.write_text(dump(doc, indent))
        sink = io.StringIO()
        assert main(["fix", "--write", "--unsafe-fixes", "--config", str(path)],
                    stdout=sink, stderr=sink) == 0, sink.getvalue()
        json.loads(path.read_text())
        assert main(["fix", "--check", "--unsafe-fixes", "--config", str(path)],
                    stdout=sink, stderr=sink) == 0, sink.getvalue()


@SETTINGS
@given(configs(), indents, st.data())
def test_no_secret_in_any_error(generated: tuple[dict[str, Any], list[str]],
                                indent: str | int | None, data: st.DataObject) -> None:
    from ecr_doctor.core.dockerconfig import ConfigError

    doc, planted = generated
    text = dump(doc, indent)
    # Break the file somewhere: truncate it, or splice garbage in.
    cut = data.draw(st.integers(0, len(text)))
    broken = data.draw(st.sampled_from([text[:cut], text[:cut] + "\x00" + text[cut:],
                                        text[:cut] + '"' + text[cut:]]))
    try:
        diagnose_text(broken, "config.json", ENV)
    except ConfigError as exc:
        message = str(exc) + repr(exc)
        for secret in planted:
            for start in range(0, max(1, len(secret) - 16), 16):
                assert secret[start:start + 16] not in message
