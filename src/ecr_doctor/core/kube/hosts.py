"""ECR host families as the kubelet sees them, and the config `kube provider-config` prints.

One `matchImages` glob per family of ECR host names. The families are those the ECR credential
helper's newest host table serves (registries.HELPER_RELEASES[-1], ECR_SUFFIX_PARTITION) in the
shapes AWS publishes endpoints under, in the order EKS writes them:
awslabs/amazon-eks-ami · nodeadm/internal/kubelet/image-credential-provider.go ·
generateImageCredentialProviderConfig. The provider behind them,
kubernetes/cloud-provider-aws · cmd/ecr-credential-provider/main.go, has the same host
pattern (`ecrPrivateHostPattern`) and serves `ecrPublicHosts` (public.ecr.aws, and
ecr-public.aws.com from v1.36.0).

What a glob cannot say: `*` takes any one label, so `*.dkr.ecr.*.amazonaws.com` also lets a
9-digit "account" through. Character classes cannot help (a `[` in the host makes Go's
url.Parse fail, and the kubelet then refuses the whole file), nor can `?` (url.Parse starts
the query there). The provider's own pattern turns such names away: it answers with an error
and the kubelet pulls without credentials, as if nothing had matched.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ecr_doctor.core.kube.match import (
    SchemelessURL,
    filepath_match,
    parse_schemeless_url,
    split_url,
)

# AWS partition ids (the `partition` of registries.Registry).
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
              "aws-eusc")

PROVIDER_NAME = "ecr-credential-provider"
CONFIG_KIND = "CredentialProviderConfig"
CONFIG_GROUP = "kubelet.config.k8s.io"
PROVIDER_GROUP = "credentialprovider.kubelet.k8s.io"
# The versions every current kubelet still decodes (plugin.go · init and `apiVersions`).
CONFIG_VERSIONS = tuple(f"{CONFIG_GROUP}/{v}" for v in ("v1", "v1beta1", "v1alpha1"))
PROVIDER_VERSIONS = tuple(f"{PROVIDER_GROUP}/{v}" for v in ("v1", "v1beta1", "v1alpha1"))
# What nodeadm writes (image-credential-provider.go: `12 * time.Hour`).
DEFAULT_CACHE_DURATION = "12h"


class HostFamily(NamedTuple):
    glob: str
    label: str
    #: The partitions whose hosts take this shape; the first is the one it belongs to.
    partitions: tuple[str, ...]
    #: Real-shaped hosts of the family (tests check the helper's newest pattern accepts each).
    examples: tuple[str, ...]
    public: bool = False


def _hosts(shape: str, *regions: str) -> tuple[str, ...]:
    return tuple(shape.format(account="123456789012", region=r) for r in regions)


HOST_FAMILIES: tuple[HostFamily, ...] = (
    HostFamily("*.dkr.ecr.*.amazonaws.com", "private", ("aws", "aws-us-gov"),
               _hosts("{account}.dkr.ecr.{region}.amazonaws.com", "us-east-1", "eu-west-1",
                      "ap-southeast-5", "us-gov-west-1")),
    HostFamily("*.dkr-ecr.*.on.aws", "dual-stack", ("aws", "aws-us-gov"),
               _hosts("{account}.dkr-ecr.{region}.on.aws", "us-east-1", "us-gov-east-1")),
    HostFamily("*.dkr.ecr.*.amazonaws.com.cn", "private", ("aws-cn",),
               _hosts("{account}.dkr.ecr.{region}.amazonaws.com.cn", "cn-north-1",
                      "cn-northwest-1")),
    HostFamily("*.dkr-ecr.*.on.amazonwebservices.com.cn", "dual-stack", ("aws-cn",),
               _hosts("{account}.dkr-ecr.{region}.on.amazonwebservices.com.cn", "cn-north-1")),
    HostFamily("*.dkr.ecr-fips.*.amazonaws.com", "FIPS", ("aws", "aws-us-gov"),
               _hosts("{account}.dkr.ecr-fips.{region}.amazonaws.com", "us-east-1",
                      "us-gov-west-1")),
    HostFamily("*.dkr-ecr-fips.*.on.aws", "FIPS dual-stack", ("aws", "aws-us-gov"),
               _hosts("{account}.dkr-ecr-fips.{region}.on.aws", "us-west-2", "us-gov-west-1")),
    HostFamily("*.dkr.ecr.*.c2s.ic.gov", "private", ("aws-iso",),
               _hosts("{account}.dkr.ecr.{region}.c2s.ic.gov", "us-iso-east-1")),
    HostFamily("*.dkr.ecr.*.sc2s.sgov.gov", "private", ("aws-iso-b",),
               _hosts("{account}.dkr.ecr.{region}.sc2s.sgov.gov", "us-isob-east-1")),
    HostFamily("*.dkr.ecr.*.cloud.adc-e.uk", "private", ("aws-iso-e",),
               _hosts("{account}.dkr.ecr.{region}.cloud.adc-e.uk", "eu-isoe-west-1")),
    HostFamily("*.dkr.ecr.*.csp.hci.ic.gov", "private", ("aws-iso-f",),
               _hosts("{account}.dkr.ecr.{region}.csp.hci.ic.gov", "us-isof-south-1")),
    HostFamily("*.dkr.ecr.*.amazonaws.eu", "private", ("aws-eusc",),
               _hosts("{account}.dkr.ecr.{region}.amazonaws.eu", "eusc-de-east-1")),
    # ECR Public is an aws-partition service: other partitions' credentials cannot sign in.
    HostFamily("public.ecr.aws", "ECR Public", ("aws",), ("public.ecr.aws",), public=True),
    HostFamily("ecr-public.aws.com", "ECR Public dual-stack", ("aws",),
               ("ecr-public.aws.com",), public=True),
)


def families_for(partitions: tuple[str, ...] | list[str] = ()) -> tuple[HostFamily, ...]:
    """The families serving any of `partitions` (all when none is named)."""
    wanted = set(partitions or PARTITIONS)
    return tuple(f for f in HOST_FAMILIES if wanted & set(f.partitions))


def _version_tuple(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?", text.strip())
    if match is None:
        raise ValueError(f"not a Kubernetes version: {text!r} (expected e.g. 1.31)")
    return int(match[1]), int(match[2])


def api_versions_for(kubelet_version: str | None) -> tuple[str, str]:
    """(config apiVersion, provider apiVersion) for a kubelet release.

    As EKS did while it supported them (amazon-eks-ami 2e8fa251 ·
    image-credential-provider.go: `semver.Compare(kubeletVersion, "v1.27.0") < 0` gives
    v1alpha1 for both): ecr-credential-provider from v1.27.1 speaks only the v1 request
    (cmd/ecr-credential-provider/plugin.go · runPlugin, "group version ... is not
    supported"), and kubelets before 1.26 know no v1.
    """
    if kubelet_version is not None and _version_tuple(kubelet_version) < (1, 27):
        return f"{CONFIG_GROUP}/v1alpha1", f"{PROVIDER_GROUP}/v1alpha1"
    return f"{CONFIG_GROUP}/v1", f"{PROVIDER_GROUP}/v1"


def provider_config(partitions: tuple[str, ...] | list[str] = (), *,
                    cache_duration: str = DEFAULT_CACHE_DURATION,
                    kubelet_version: str | None = None) -> dict[str, object]:
    """The CredentialProviderConfig for the ECR provider, as a plain JSON-ready value."""
    config_version, provider_version = api_versions_for(kubelet_version)
    return {
        "apiVersion": config_version,
        "kind": CONFIG_KIND,
        "providers": [{
            "name": PROVIDER_NAME,
            "matchImages": [f.glob for f in families_for(partitions)],
            "defaultCacheDuration": cache_duration,
            "apiVersion": provider_version,
        }],
    }


# --- Can a glob ever match an ECR host? --------------------------------------------------

_ACCOUNT = re.compile(r"\d{12}", re.ASCII)
_REGION = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9-_]*", re.ASCII)
_SAMPLE_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1",
                   "ap-southeast-2", "sa-east-1", "ca-central-1", "me-south-1", "af-south-1",
                   "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1",
                   "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1",
                   "eusc-de-east-1")


def _fills(label: str, width: int) -> list[str]:
    """Names a glob label matches, built from the label itself: `?` as 0, `*` as runs of 0."""
    if any(c in label for c in "[\\"):
        return []
    stars = label.count("*")
    base = label.replace("?", "0")
    fixed = len(base) - stars
    out = [base.replace("*", "")]
    if stars and width > fixed:
        out.append(base.replace("*", "0" * (width - fixed), 1).replace("*", ""))
    return out


def _label_can_match(glob: str, samples: tuple[str, ...], shape: re.Pattern[str],
                     width: int) -> bool:
    for name in (*samples, *_fills(glob, width)):
        if shape.fullmatch(name) and _safe_match(glob, name):
            return True
    return False


def _safe_match(glob: str, name: str) -> bool:
    try:
        return filepath_match(glob, name)
    except ValueError:
        return False


def ecr_family_of(glob: str) -> HostFamily | None:
    """The first ECR host family some host of which `glob` can match, or None.

    Literal labels are compared exactly; the account and region positions are tried with
    sample values and with names built from the glob's own label, so `1234*` and `us-*-1`
    count as able to match. A glob with a port never matches: image names carry none for ECR.
    """
    try:
        url = parse_schemeless_url(glob)
    except ValueError:
        return None
    return _family_of(url)


def _family_of(url: SchemelessURL) -> HostFamily | None:
    labels, port = split_url(url)
    if port:
        return None
    for family in HOST_FAMILIES:
        template = family.examples[0].split(".")
        if len(template) != len(labels):
            continue
        # "<account>.dkr.ecr.<region>.…" or "<account>.dkr-ecr.<region>.…"
        region_at = 3 if template[1] == "dkr" else 2
        ok = True
        for i, (g, literal) in enumerate(zip(labels, template, strict=True)):
            if not family.public and i == 0:
                ok = _label_can_match(g, ("123456789012",), _ACCOUNT, 12)
            elif not family.public and i == region_at:
                ok = _label_can_match(g, _SAMPLE_REGIONS, _REGION, 9)
            else:
                ok = _safe_match(g, literal)
            if not ok:
                break
        if ok:
            return family
    return None
