"""Which program printed a pasted error, and where it ran: the runtimes, as data.

An ECR pull fails the same way at the registry whoever asks, but the fix depends on who asked:
a kubelet gets credentials from its credential provider, an ECS task from its execution role,
Lambda from its own service, podman from auth.json, and only the Docker CLI reads
~/.docker/config.json. So the first thing `explain` says is the runtime, and the causes are
ranked for it.

Two kinds are told apart: the *client* that printed the message (Docker CLI, BuildKit, the
kubelet, the ECS agent, podman, ...) and the *platform* it ran on (GitHub Actions, GitLab CI,
CodeBuild, ...). A `docker push` failing in GitHub Actions is the Docker CLI's message, seen
in a GitHub Actions log; both are named.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ecr_doctor.core.explain.clientage import docker_cli_family


class Runtime(NamedTuple):
    """What printed the error (`id`, `label`, `version` when the paste shows it), where it ran
    (`platform`), and the evidence the choice rests on (a fixed phrase, never paste text)."""

    id: str
    label: str
    version: str | None = None
    platform: str | None = None
    platform_label: str | None = None
    evidence: str = ""
    #: The client's behaviour family where its credential lookup changed between versions
    #: (the Docker CLI's: before 28.3, 28.3+, 29+), from its version or what dates it.
    family: str | None = None

    def describe(self) -> str:
        version = f" {self.version}" if self.version else ""
        family = f" ({self.family})" if self.family else ""
        where = f", in {self.platform_label}" if self.platform_label else ""
        return f"{self.label}{version}{family}{where}"


class _Clue(NamedTuple):
    pattern: re.Pattern[str]
    weight: int
    evidence: str


class _RuntimeSpec(NamedTuple):
    id: str
    label: str
    clues: tuple[_Clue, ...]
    version: re.Pattern[str] | None = None


def _clue(pattern: str, weight: int, evidence: str) -> _Clue:
    return _Clue(re.compile(pattern, re.IGNORECASE | re.MULTILINE), weight, evidence)


def _spec(id_: str, label: str, *clues: _Clue, version: str | None = None) -> _RuntimeSpec:
    return _RuntimeSpec(id_, label, clues,
                        re.compile(version, re.IGNORECASE) if version else None)


# Weights: 10 = only this program prints it; 6 = strongly suggests it; 3 = a hint. A runtime
# needs 6 to be named. Evidence phrases are shown to the user: fixed text only.
_SPECS: tuple[_RuntimeSpec, ...] = (
    _spec(
        "kubelet", "Kubernetes (kubelet)",
        _clue(r"\bErrImagePull\b|\bImagePullBackOff\b|Back-off pulling image", 10,
              "ErrImagePull / ImagePullBackOff"),
        # The kubelet's own event and log lines quote the runtime's error ("Error response
        # from daemon" under dockershim): the line's format, not the quote, names the printer.
        _clue(r"(?-i:Failed) to pull image \"", 14, "the kubelet's 'Failed to pull image' event"),
        _clue(r"\bkuberuntime_\w+\.go:\d+\]|\bPull image \"[^\"]+\" failed|"
              r"external registry credential provider|credential provider plugin", 14,
              "a kubelet log line"),
        _clue(r"\bFailedCreatePodSandBox\b|failed to get sandbox image", 10,
              "a pod sandbox event"),
        _clue(r"\bkubelet\b", 6, "the word kubelet"),
        _clue(r"\bkubectl\b|\bpod/[\w.-]+|\bNormal\s+(?:Scheduled|Pulling)\b|"
              r"\bWarning\s+(?:Failed|FailedMount|BackOff)\b", 5, "a Kubernetes event table"),
        _clue(r"image-credential-provider|CredentialProviderConfig|credentialprovider\.kubelet",
              10, "the kubelet credential provider"),
        _clue(r"\bimagePullSecrets?\b|dockerconfigjson", 5, "an image pull secret"),
        _clue(r"\bEKS\b|eks\.amazonaws\.com|\bnodegroup\b|\bk3s\b|\brke2\b|\bkops\b", 4,
              "a Kubernetes distribution"),
        version=r"\bkubelet\s+v?(1\.\d+(?:\.\d+)?)|Kubernetes\s+v?(1\.\d+(?:\.\d+)?)"
        r"|\bk8s\s+v?(1\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "containerd", "containerd",
        _clue(r"\bctr:|\bctr\s+(?:image|images|i)\s+pull\b", 10, "ctr"),
        _clue(r"\bcrictl\b", 10, "crictl"),
        _clue(r"failed to pull and unpack image", 6, "containerd's 'failed to pull and unpack'"),
        _clue(r"\bcontainerd\b", 5, "the word containerd"),
        _clue(r"\bcontainerd\[\d+\]:", 12, "containerd's own log (journal)"),
        _clue(r"unexpected status from HEAD request to", 4, "containerd's resolver error"),
        _clue(r"failed to resolve reference \"", 4, "containerd's resolver error"),
        version=r"containerd\s+(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "cri-o", "CRI-O",
        _clue(r"\bcri-?o\b|\bcrio\b", 10, "CRI-O"),
    ),
    _spec(
        "ecs", "Amazon ECS",
        _clue(r"CannotPull(?:ECR)?Container(?:Error)?", 10,
              "CannotPullContainerError"),
        _clue(r"ResourceInitializationError", 10, "ResourceInitializationError"),
        _clue(r"\becs-agent\b|\bECS agent\b|amazon-ecs-agent|\bstoppedReason\b|"
              r"task definition|\bTask failed to start\b|\bservice [\w-]+ was unable to place",
              7, "an ECS task or agent message"),
        _clue(r"\bFargate\b", 6, "Fargate"),
        _clue(r"\bECS\b", 4, "the word ECS"),
        version=r"(?:platform\s+version|platformVersion)[\s:\"]+(\d+\.\d+\.\d+|LATEST)",
    ),
    _spec(
        "lambda", "AWS Lambda",
        # Not "public.ecr.aws/lambda/python": Lambda's base images are pulled by builds.
        _clue(r"\bLambda function\b|AWS::Lambda::|Service: Lambda\b|lambda\.amazonaws\.com|"
              r"\baws lambda\b|Waiting Lambda function", 8, "a Lambda function"),
        _clue(r"Source image [^\s]+ (?:is not valid|does not exist)|\bImageUri\b|"
              r"image manifest, config or layer media type|\bCreateFunction\b|"
              r"\bUpdateFunctionCode\b", 8, "a Lambda function API error"),
        _clue(r"(?<![/\w-])lambda(?![/\w-])", 3, "the word lambda"),
    ),
    _spec(
        "buildkit", "BuildKit / buildx",
        _clue(r"ERROR: failed to solve|failed to solve with frontend|failed to solve:", 10,
              "BuildKit's 'failed to solve'"),
        _clue(r"^#\d+ (?:ERROR|\[)|=> (?:ERROR )?\[|\[internal\] load (?:metadata|build)", 8,
              "BuildKit progress output"),
        _clue(r"unexpected status from HEAD request to", 6,
              "the resolver error BuildKit prints"),
        _clue(r"\bbuildx\b|\bbuildkit\b|docker-container driver", 6, "buildx / BuildKit"),
        _clue(r"failed to authorize: failed to fetch (?:anonymous|oauth) token", 6,
              "BuildKit's authorizer"),
        version=r"buildx\s+(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)"
        r"|buildkit(?:d)?\s+v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "compose", "Docker Compose",
        _clue(r"\bdocker[ -]compose\b|\bcompose\.ya?ml\b|\bcompose up\b", 8, "docker compose"),
        _clue(r"^ERROR: for \S+ ", 8, "docker-compose v1's 'ERROR: for <service>'"),
        _clue(r"\[\+\] (?:Running|Pulling|Building)|\bService [\w.-]+ +Error\b|"
              r"\b[\w-]+ Error (?:pull access denied|Head|failed)", 6, "compose progress output"),
        version=r"Docker Compose version v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "swarm", "Docker Swarm",
        _clue(r"--with-registry-auth|docker (?:service|stack) (?:create|deploy|update)", 10,
              "a swarm service command"),
        _clue(r"could not be accessed on a registry to record its digest|"
              r"No such image: [^\s]+ on node|\btask: non-zero exit|\bswarm\b", 7,
              "a swarm scheduling message"),
    ),
    _spec(
        "podman", "podman",
        _clue(r"\bpodman\b", 10, "podman"),
        _clue(r"Error: initializing source docker://|Error: trying to reuse blob|"
              r"copying system image from manifest list|Error: writing blob", 6,
              "containers/image error text"),
        _clue(r"auth\.json|REGISTRY_AUTH_FILE", 4, "auth.json"),
        version=r"podman\s+(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "skopeo", "skopeo",
        _clue(r"\bskopeo\b", 10, "skopeo"),
        _clue(r"^FATA\[\d{4}\]", 5, "a logrus fatal line, as skopeo prints"),
        _clue(r"\bdocker://\S|reading manifest \S+ in ", 4, "a containers/image reference"),
        version=r"skopeo\s+(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "buildah", "buildah",
        _clue(r"\bbuildah\b", 10, "buildah"),
        version=r"buildah\s+(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "crane", "crane (go-containerregistry)",
        _clue(r"\bcrane\s+(?:auth|pull|push|copy|cp|manifest|digest|ls)\b|\bgcrane\b", 10,
              "crane"),
        _clue(r"go-containerregistry|\bggcr\b", 8, "go-containerregistry"),
    ),
    _spec(
        "ko", "ko",
        _clue(r"\bko\s+(?:build|publish|resolve|apply|login)\b|KO_DOCKER_REPO", 10, "ko"),
    ),
    _spec(
        "nomad", "HashiCorp Nomad",
        _clue(r"\bnomad\b", 10, "Nomad"),
        _clue(r"\bDriver Failure\b|failed to initialize task|\balloc(?:ation)? [0-9a-f]{8}", 6,
              "a Nomad allocation event"),
    ),
    _spec(
        "terraform", "Terraform (Docker provider)",
        _clue(r"\bterraform\b|\bkreuzwerker\b|\bdocker_(?:registry_image|image|container)\b", 10,
              "Terraform"),
        _clue(r"^[ \t]*│\s*Error:|\bwith [\w.]+\[?\S*\]?,[ \t]*$", 5, "Terraform's error box"),
        _clue(r"^aws_\w+\.[\w-]+: (?:Creating|Modifying|Destroying)\.\.\.", 20,
              "Terraform's resource progress"),
    ),
    _spec(
        "pulumi", "Pulumi (Docker provider)",
        _clue(r"\bpulumi\b|docker(?:-build)?:index(?:/image)?:Image", 10, "Pulumi"),
    ),
    _spec(
        "aws-cli", "AWS CLI",
        _clue(r"aws: error: argument|usage: aws \[options\]|Invalid choice: ['\"]?get-login\b",
              10, "the AWS CLI's argument error"),
        _clue(r"An error occurred \(\w+\) when calling the \w+ operation", 10,
              "an AWS CLI service error"),
        _clue(r"Unable to locate credentials\. You can configure credentials by running|"
              r"botocore|aws ecr get-login(?:-password)?\b|Error when retrieving token from sso",
              7, "the AWS CLI"),
        version=r"aws-cli/(\d+\.\d+\.\d+)",
    ),
    _spec(
        "ecr-helper", "docker-credential-ecr-login",
        # The helper's own logrus line names the program that printed it: it outweighs the
        # runtimes its message mentions.
        _clue(r"level=(?:error|debug|info|warning)\s+msg=\"?(?:Error retrieving credentials|"
              r"Retrieving credentials|Error parsing|Unable to)", 20,
              "the ECR credential helper's own log line"),
        _clue(r"ecr-login\.log|\bAWS_ECR_(?:DISABLE_CACHE|CACHE_DIR|IGNORE_CREDS_STORAGE)\b", 6,
              "the ECR credential helper's settings"),
        version=r"docker-credential-ecr-login\s+(?:version\s+)?v?(\d+\.\d+\.\d+)",
    ),
    _spec(
        "helm", "Helm",
        _clue(r"\bhelm\s+(?:registry|pull|push|install|upgrade|template|dependency)\b|"
              r"Error: (?:INSTALLATION|UPGRADE) FAILED", 10, "helm"),
        _clue(r"\boci://", 4, "an oci:// chart reference"),
        version=r"helm\s+version\s+v?(\d+\.\d+(?:\.\d+)?)|Version:\"v(\d+\.\d+\.\d+)\"",
    ),
    _spec(
        "oras", "ORAS",
        _clue(r"\boras\s+(?:login|pull|push|copy|cp|attach|manifest)\b", 10, "oras"),
    ),
    _spec(
        "nerdctl", "nerdctl / Finch",
        _clue(r"\bnerdctl\b|\bfinch\s+(?:pull|push|run|build|login|compose)\b", 10,
              "nerdctl / finch"),
    ),
    _spec(
        "argocd", "Argo CD",
        _clue(r"\bargo(?:cd|-cd|proj)\b|\bApplication\s+\S+\s+sync\b|ComparisonError", 10,
              "Argo CD"),
    ),
    _spec(
        "flux", "Flux",
        _clue(r"\bfluxcd\b|\bflux\s+(?:reconcile|get|create)\b|\bHelmRepository\b|"
              r"\bOCIRepository\b|\bImageRepository\b", 10, "Flux"),
    ),
    _spec(
        "sam", "AWS SAM CLI",
        _clue(r"\bsam\s+(?:build|deploy|package|local)\b|\bsamcli\b|aws-sam-cli|"
              r"\bCliBasedStep\b|Error: \w+ failed to build:", 10, "SAM CLI"),
    ),
    _spec(
        "cdk", "AWS CDK",
        _clue(r"\bcdk\s+(?:deploy|synth|bootstrap)\b|\bcdk-assets\b|\bcdk-hnb659fds\b", 10,
              "the AWS CDK"),
    ),
    _spec(
        "copilot", "AWS Copilot",
        _clue(r"\bcopilot\s+(?:svc|job|deploy|env|app|init)\b", 10, "AWS Copilot"),
    ),
    _spec(
        "docker-desktop", "Docker Desktop",
        _clue(r"docker-credential-desktop|Docker Desktop|\bdesktop\.exe\b|com\.docker\.backend",
              7, "Docker Desktop"),
        version=r"Docker Desktop\s+v?(\d+\.\d+(?:\.\d+)?)",
    ),
    _spec(
        "docker-cli", "Docker CLI",
        _clue(r"Error response from daemon:", 8, "the Docker daemon's 'Error response'"),
        # A command line, not "may require 'docker login'" in an error.
        _clue(r"(?:^|[$#%>]\s*|\$\(|Running command\s+)docker\s+"
              r"(?:login|pull|push|run|build|tag|logout|image\s+pull)\b", 6, "a docker command"),
        _clue(r"unknown shorthand flag: '\w' in -\w|See 'docker [\w ]+--help'", 10,
              "the Docker CLI's flag error"),
        _clue(r"\bThe push refers to repository\b|\bUsing default tag:|\bLogin Succeeded\b|"
              r"error getting credentials - err:|Error saving credentials:|"
              r"WARNING! Your (?:password|credentials) (?:will be|are) stored unencrypted|"
              r"Error: Cannot perform an interactive login|"
              r"Authenticating with existing credentials", 8, "Docker CLI output"),
        _clue(r"\bdocker-credential-[\w.-]+", 4, "a credential helper name"),
        _clue(r"no basic auth credentials", 5, "the Docker CLI's anonymous-pull error"),
        _clue(r"~/\.docker/config\.json|\.docker/config\.json|\bcredHelpers\b|\bcredsStore\b|"
              r"\bDOCKER_AUTH_CONFIG\b", 4, "a Docker config"),
        version=r"Docker version (\d+\.\d+\.\d+)|Client:[\s\S]{0,40}?Version:\s+(\d+\.\d+\.\d+)"
        r"|docker/(\d+\.\d+\.\d+)",
    ),
)

# Platforms run a client; they are named beside it.
_PLATFORMS: tuple[_RuntimeSpec, ...] = (
    _spec(
        "github-actions", "GitHub Actions",
        _clue(r"##\[(?:error|group|endgroup|warning)\]|::(?:error|warning|group)::", 10,
              "GitHub Actions log markers"),
        _clue(r"aws-actions/(?:amazon-ecr-login|configure-aws-credentials)|docker/login-action|"
              r"docker/build-push-action|docker/setup-buildx-action", 10, "a GitHub action"),
        _clue(r"\bGITHUB_(?:TOKEN|ACTIONS|WORKSPACE|OUTPUT)\b|\bgithub actions?\b|"
              r"Error: Process completed with exit code|^[ \t]*Error: Could not login:", 6,
              "GitHub Actions"),
        # GitHub masks secrets (the account id, as aws-actions/amazon-ecr-login outputs it)
        # as exactly three stars.
        _clue(r"(?<![*\w])\*\*\*\.dkr\.ecr", 6, "GitHub Actions' *** masking"),
    ),
    _spec(
        "gitlab-ci", "GitLab CI",
        _clue(r"Running with gitlab-runner|Preparing the \"docker(?:\+machine)?\" executor|"
              r"ERROR: Job failed:|\bgitlab-runner\b|\.gitlab-ci\.yml", 10, "GitLab CI output"),
        _clue(r"\bCI_(?:REGISTRY|JOB_TOKEN|PROJECT)\w*|\bgitlab\b", 6, "GitLab"),
    ),
    _spec(
        "codebuild", "AWS CodeBuild",
        _clue(r"\[Container\] \d{4}/\d{2}/\d{2}|Phase context status code|"
              r"COMMAND_EXECUTION_ERROR|\bCODEBUILD_\w+|\bcodebuild\b", 10, "CodeBuild output"),
        _clue(r"buildspec\.ya?ml|\bbuildspec\b", 6, "a buildspec"),
    ),
    _spec(
        "jenkins", "Jenkins",
        _clue(r"\[Pipeline\]|\bJenkinsfile\b|\bjenkins\b|Started by (?:user|timer|an SCM)|"
              r"Build step '[^']+' marked build as failure", 10, "Jenkins"),
    ),
    _spec(
        "circleci", "CircleCI",
        _clue(r"\bcircleci\b|\.circleci/config\.yml|aws-ecr orb|circleci/aws-ecr", 10, "CircleCI"),
    ),
    _spec(
        "bitbucket", "Bitbucket Pipelines",
        _clue(r"\bbitbucket(?:-pipelines)?\b|bitbucket-pipelines\.yml|\bBITBUCKET_\w+", 10,
              "Bitbucket Pipelines"),
    ),
    _spec(
        "buildkite", "Buildkite",
        _clue(r"\bbuildkite\b|elastic-ci-stack|\bBUILDKITE_\w+", 10, "Buildkite"),
    ),
)

# How close a runtime must come to count, and how a tie is broken: earlier in _SPECS wins
# (the more specific client, e.g. BuildKit before the Docker CLI that started it).
_NAMED = 6


def _score(spec: _RuntimeSpec, text: str) -> tuple[int, str]:
    total = 0
    evidence = ""
    best = 0
    for clue in spec.clues:
        if clue.pattern.search(text):
            total += clue.weight
            if clue.weight > best:
                best, evidence = clue.weight, clue.evidence
    return total, evidence


def _version(spec: _RuntimeSpec, text: str) -> str | None:
    if spec.version is None:
        return None
    m = spec.version.search(text)
    if m is None:
        return None
    value = next((g for g in m.groups() if g), None)
    # Only a short, plain version string is echoed back.
    return value if value and re.fullmatch(r"\d+(?:\.\d+){0,3}|LATEST", value) else None


def _best(specs: tuple[_RuntimeSpec, ...], text: str) -> tuple[_RuntimeSpec, str] | None:
    ranked: list[tuple[int, int, _RuntimeSpec, str]] = []
    for order, spec in enumerate(specs):
        score, evidence = _score(spec, text)
        if score >= _NAMED:
            ranked.append((-score, order, spec, evidence))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (r[0], r[1]))
    _, _, spec, evidence = ranked[0]
    return spec, evidence


CLIENTS: tuple[_RuntimeSpec, ...] = _SPECS


def detect_runtime(text: str) -> Runtime | None:
    """The client that printed the error and the platform it ran on, as far as `text` shows
    (`text` already normalised); None when it names neither."""
    client = _best(CLIENTS, text)
    platform = _best(_PLATFORMS, text)
    if client is None and platform is None:
        return None
    where = (platform[0].id, platform[0].label) if platform else (None, None)
    if client is None:
        assert platform is not None
        return Runtime(id=platform[0].id, label=platform[0].label, evidence=platform[1])
    spec, evidence = client
    version = _version(spec, text)
    family = docker_cli_family(version, text) if spec.id == "docker-cli" else None
    return Runtime(id=spec.id, label=spec.label, version=version,
                   platform=where[0], platform_label=where[1], evidence=evidence,
                   family=family.label if family else None)


def runtime_labels() -> dict[str, str]:
    """Every runtime and platform explain can name, id → label."""
    return {s.id: s.label for s in (*CLIENTS, *_PLATFORMS)}


__all__ = ["CLIENTS", "Runtime", "detect_runtime", "runtime_labels"]
