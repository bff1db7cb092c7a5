"""The scan rule family (SCN001…): pages for `explain`, ids for SARIF. Standard library only.

They are declared in the rule registry so `ecr-doctor rules` and `explain SCN001` show them;
no Docker-config check runs them: `diagnose` never runs a scan detector.
The detectors live in `ecr_doctor.scan.detect` and build findings with these Rule values.
"""

from __future__ import annotations

from ecr_doctor.core.model import Severity
from ecr_doctor.core.rules.base import Family, RuleDoc

FAMILY = Family("SCN")


_GITLEAKS_1301 = ("gitleaks#1301 (no Docker registry credential rule): "
                  "github.com/gitleaks/gitleaks/issues/1301")
_TRUFFLEHOG = ("trufflehog pkg/detectors/docker/docker_auth_config.go (keyword \"auths\", "
               "escaped DOCKER_AUTH_CONFIG in a GitLab runner config.toml)")
_TRIVY = ("Trivy pkg/fanal/secret/builtin-rules.go `dockerconfig-secret` (only the Kubernetes "
          ".dockerconfigjson form)")
_CLI_PR_6008 = "docker/cli PR #6008: DOCKER_AUTH_CONFIG as a credential store"
_GLSEC = "glsec GL066 (PR #288, issue #267): inline DOCKER_AUTH_CONFIG JSON in GitLab CI"
_ZIZMOR = ("zizmor hardcoded-container-credentials (src/audit/hardcoded_container_credentials.rs, "
           "tests/integration/test-data/hardcoded-credentials.yml)")
_SELF_HOSTED = ("CircleCI aws-ecr orb #265, buildkite agent #1671, amazon-ecr-credential-helper "
                "#455 and #77: tokens left behind on shared runners")

SCN001 = FAMILY.declare(
    "SCN001", "docker-config-static-credential", Severity.HIGH,
    "A Docker config document in the tree holds a static registry credential",
    RuleDoc(
        what="A Docker config document - `config.json`, `.dockercfg`, podman `auth.json`, a "
        "Kubernetes Secret's `.dockerconfigjson`/`.dockercfg` (base64 or not), JSON inside a "
        "`DOCKER_AUTH_CONFIG` value in CI YAML, a shell script or a GitLab runner "
        "`config.toml` - has an `auths` entry with `auth`, `password`, `identitytoken` or "
        "`registrytoken`. ECR tokens are decoded (account, region, expiry): a live one is "
        "critical. Keys with a scheme or path (`https://HOST/v2/`) count: Docker's legacy "
        "lookup still uses them.",
        why="Whoever can read the repository can push and pull as that identity until the "
        "token expires (12 h for ECR; never for most other registries), and a committed "
        "stale ECR token is what breaks pushes with `authorization token has expired` on "
        "every runner that copies it. General scanners see it at most as \"high entropy\".",
        fix="Remove the credential and rotate it. For ECR use the credential helper "
        "(`credHelpers: {HOST: ecr-login}`) or mint the token in the job "
        "(`aws ecr get-login-password | docker login --password-stdin`); keep "
        "`DOCKER_AUTH_CONFIG` in a masked CI variable, never in the file.",
        example='{"auths": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": '
        '{"auth": "QVdTOmV5..."}}}',
        references=(_GITLEAKS_1301, _TRUFFLEHOG, _TRIVY, _CLI_PR_6008, _GLSEC),
    ),
)

SCN002 = FAMILY.declare(
    "SCN002", "bare-ecr-token", Severity.HIGH,
    "An Amazon ECR authorization token or registry password appears in a file",
    RuleDoc(
        what="A base64 `AWS:<password>` authorization token or a bare ECR registry password "
        "(base64 JSON with `payload`, `datakey` and `expiration`) anywhere in text: logs, "
        "notes, scripts, the credential helper's `cache.json`. Only strings that decode to "
        "that structure fire; look-alike prefixes do not.",
        why="It is a working Docker credential for every repository the IAM principal can "
        "reach, until its `expiration`. The helper's cache (`~/.ecr/cache.json`) is returned "
        "even when expired if the API call fails (amazon-ecr-credential-helper #679).",
        fix="Delete the file or the line and purge it from history; never echo the output of "
        "`get-login-password`. Add `~/.ecr/` and `.docker/` to `.gitignore`.",
        example="docker login -u AWS -p eyJwYXlsb2FkIjoi... "
        "(decoded: payload, datakey, expiration)",
        references=("docker-and-ecr-facts §4: ECR password layout (observed, undocumented)",
                    "amazon-ecr-credential-helper ecr-login/cache (cache.json format), #679"),
    ),
)

SCN003 = FAMILY.declare(
    "SCN003", "aws-ecr-get-login-v1", Severity.MEDIUM,
    "A script or CI job calls `aws ecr get-login`, removed in AWS CLI v2",
    RuleDoc(
        what="`aws ecr get-login` (AWS CLI v1) in a shell script, Makefile, Dockerfile or a "
        "CI YAML `run:`/`script:` block.",
        why="AWS CLI v2 removed it (`Invalid choice`), and the `docker login -e none` line it "
        "prints fails on Docker >= 17.06 with `unknown shorthand flag: 'e'` (aws-cli#3374); "
        "its output also puts the password on a command line.",
        fix="`aws ecr get-login-password --region REGION | docker login --username AWS "
        "--password-stdin ACCOUNT.dkr.ecr.REGION.amazonaws.com`, or the ecr-login helper.",
        example="$(aws ecr get-login --no-include-email --region us-east-1)",
        references=("aws-cli awscli/customizations/ecr.py ECRLogin", "aws-cli#3374",
                    "aws-cli v2 migration guide: get-login removed"),
    ),
)

SCN004 = FAMILY.declare(
    "SCN004", "ecr-login-left-on-self-hosted-runner", Severity.MEDIUM,
    "A self-hosted runner logs in to ECR and never logs out",
    RuleDoc(
        what="A job on a self-hosted runner (GitHub `runs-on: self-hosted`, a Buildkite "
        "pipeline, a tagged GitLab job, a Bitbucket `runs-on: self.hosted` step, an Azure "
        "Pipelines job in a named agent pool) pipes `get-login-password` into `docker login`, or "
        "uses `aws-actions/amazon-ecr-login` with `skip-logout: true`, and the file has no "
        "`docker logout` and no credential helper.",
        why="`docker login` writes a 12-hour token into the runner user's "
        "`~/.docker/config.json`. The next job - any team's - inherits it, and once it "
        "expires it shadows nothing but still breaks pushes that expected a fresh login.",
        fix="Add `docker logout HOST` in an always-run final step (`if: always()`, "
        "`after_script`), give each job its own `DOCKER_CONFIG=$(mktemp -d)`, or use the "
        "ecr-login credential helper, which stores nothing in config.json.",
        references=(_SELF_HOSTED, "aws-actions/amazon-ecr-login cleanup.js (post-step logout)"),
    ),
)

SCN005 = FAMILY.declare(
    "SCN005", "docker-login-password-on-command-line", Severity.MEDIUM,
    "`docker login -p`/`--password` puts the password on a command line",
    RuleDoc(
        what="`docker login` with `-p`/`--password VALUE` instead of `--password-stdin`. A "
        "literal value (not `$VAR`/`${{ ... }}`) is high severity.",
        why="Command lines are visible in `ps`, shell history and CI logs; Docker itself "
        "warns `Using --password via the CLI is insecure`. A literal is a committed secret.",
        fix="`printf '%s' \"$PASSWORD\" | docker login --username USER --password-stdin "
        "HOST`; for ECR pipe `aws ecr get-login-password` into it.",
        example="docker login -u AWS -p $TOKEN 123456789012.dkr.ecr.us-east-1.amazonaws.com",
        references=("docker/cli cli/command/registry/login.go (--password warning)",),
    ),
)

SCN006 = FAMILY.declare(
    "SCN006", "amazon-ecr-login-unmasked-password", Severity.HIGH,
    "`aws-actions/amazon-ecr-login` runs with `mask-password: 'false'`",
    RuleDoc(
        what="A GitHub Actions step `uses: aws-actions/amazon-ecr-login@...` with "
        "`mask-password: false`.",
        why="The step sets `docker_password_<registry>` outputs; unmasked, any later step "
        "that prints them (or a debug log) leaks a working ECR token into the job log, "
        "which every reader of the repository's Actions tab can see.",
        fix="Drop `mask-password` (masked is the default) and pass the registry between jobs "
        "by name, letting each job log in itself.",
        references=("aws-actions/amazon-ecr-login index.js (mask-password input)",),
    ),
)

SCN007 = FAMILY.declare(
    "SCN007", "hardcoded-container-credentials", Severity.HIGH,
    "A GitHub Actions workflow hard-codes a registry password (container, services or a "
    "login action)",
    RuleDoc(
        what="`jobs.<id>.container.credentials.password`, "
        "`jobs.<id>.services.<name>.credentials.password`, or the `password` input of a "
        "registry login action (`docker/login-action`, `azure/docker-login`, "
        "`redhat-actions/podman-login`) is a literal, not a `${{ ... }}` expression.",
        why="The registry password is in the repository for anyone who can read it, and an "
        "ECR token pasted there expires within 12 hours and breaks the job.",
        fix="`password: ${{ secrets.REGISTRY_PASSWORD }}`; for ECR, log in with "
        "`aws-actions/amazon-ecr-login` in a previous job and pass its output.",
        references=(_ZIZMOR,),
    ),
)

SCN008 = FAMILY.declare(
    "SCN008", "long-lived-aws-keys-for-ecr", Severity.LOW,
    "A CI workflow uses long-lived AWS access keys for ECR where OIDC would do",
    RuleDoc(
        what="A workflow that logs in to ECR gets AWS credentials from "
        "`aws-access-key-id`/`AWS_ACCESS_KEY_ID` instead of `role-to-assume` (OIDC). A "
        "literal `AKIA...` key is high severity.",
        why="Access keys never expire on their own; a leaked one keeps working until someone "
        "notices. OIDC gives the job a one-hour role session and nothing to store.",
        fix="`permissions: id-token: write` and `aws-actions/configure-aws-credentials` with "
        "`role-to-assume: arn:aws:iam::ACCOUNT:role/NAME`; `ecr-doctor ci github` prints "
        "the whole job and `ecr-doctor ci github --trust-policy` its trust policy.",
        references=("aws-actions/configure-aws-credentials README (OIDC)",
                    "GitHub docs: configuring OpenID Connect in Amazon Web Services"),
    ),
)

_KUBELET_SECRETS = ("kubernetes/kubernetes pkg/credentialprovider/secrets/secrets.go "
                    "(MakeDockerKeyring: the Secret's type picks the key; a json.Unmarshal error "
                    "fails the whole keyring) and pkg/credentialprovider/config.go "
                    "(DockerConfigEntry.UnmarshalJSON: `auth` overrides username/password)")
_ECR_API = ("Amazon ECR API reference, GetAuthorizationToken / AuthorizationData.expiresAt: "
            "\"The authorization token is valid for 12 hours\"")
_PROVIDER = ("kubernetes/cloud-provider-aws cmd/ecr-credential-provider (the kubelet credential "
             "provider; awslabs/amazon-eks-ami nodeadm writes its config on EKS nodes)")
_ESO_ECR = ("external-secrets.io/latest/api/generator/ecr: the ECRAuthorizationToken generator "
            "(generators.external-secrets.io/v1alpha1; outputs username, password, "
            "proxy_endpoint, expires_at)")

SCN009 = FAMILY.declare(
    "SCN009", "ecr-token-in-kubernetes-pull-secret", Severity.HIGH,
    "A Kubernetes pull secret holds an Amazon ECR token, which lasts 12 hours",
    RuleDoc(
        what="A Kubernetes Secret (`kubernetes.io/dockerconfigjson` `.dockerconfigjson` or "
        "`kubernetes.io/dockercfg` `.dockercfg`, in `data` as base64 or in `stringData`) has "
        "an `auths` entry - or a top-level host in the old `.dockercfg` shape - whose `auth` "
        "or `username: AWS`/`password` is an ECR authorization token, or a credential for an "
        "ECR host that is not one. Found in `kubectl get secrets -A -o json | ecr-doctor "
        "scan -` (any List, SecretList or Secret, JSON or YAML) and in Secret manifests in a "
        "scanned tree. The token's expiry is decoded: a live token in a file is critical "
        "(a leak), a live one in a cluster medium (it stops working within 12 hours unless "
        "something refreshes it), an expired one high. The kubelet uses the Secret only if "
        "its `type` matches the key.",
        why="An ECR token lasts 12 hours (GetAuthorizationToken). Once it expires every pull "
        "that relies on the Secret fails with `401 Unauthorized` / `no basic auth "
        "credentials` as soon as a node no longer has the image cached - typically after "
        "a node replacement or a new tag, hours after the deploy that worked. Committed to "
        "git, a live one lets every reader pull (and push, with the role's rights) until "
        "it expires.",
        fix="Stop storing ECR tokens. On EKS the kubelet credential provider "
        "(`ecr-credential-provider`, built into EKS node images) fetches tokens with the "
        "node's IAM role: drop `imagePullSecrets` for ECR images and grant the node role "
        "`AmazonEC2ContainerRegistryReadOnly` (or ECR pull via IRSA / EKS Pod Identity, or "
        "the provider's service-account token mode, `eks.amazonaws.com/ecr-role-arn`). "
        "Outside EKS install the same provider with `--image-credential-provider-config`. "
        "Where a pull secret is unavoidable, let a refresher write it in the cluster, never "
        "in git: External Secrets Operator's `ECRAuthorizationToken` generator with an "
        "ExternalSecret (`refreshInterval` < 12h, target type "
        "`kubernetes.io/dockerconfigjson`), or a CronJob that runs every few hours "
        "(< 12 h) with an IAM role. Remove the Secret manifest from the repository and "
        "its history.",
        example="kubectl get secrets -A -o json | ecr-doctor scan -\n"
        "ci/ecr-pull  123456789012.dkr.ecr.us-east-1.amazonaws.com  expires 2026-11-26 "
        "17:00 UTC (expired 2d ago)  SCN009 [high]",
        references=(_ECR_API, _KUBELET_SECRETS, _PROVIDER, _ESO_ECR,
                    "amazon-ecr-credential-helper ecr-login/cache/credentials.go (a token is "
                    "treated as stale at half its 12 h lifetime)",
                    "kubectl get -o json output: a `List` (apiVersion v1, metadata "
                    "resourceVersion) of Secrets; the API's own list kind is `SecretList`"),
    ),
)

SCN010 = FAMILY.declare(
    "SCN010", "malformed-kubernetes-pull-secret", Severity.MEDIUM,
    "A Kubernetes pull secret's Docker config cannot be read as the kubelet reads it",
    RuleDoc(
        what="A `.dockerconfigjson` or `.dockercfg` value in a Secret that is not valid "
        "base64 (in `data`), not UTF-8 JSON, not a JSON object, has an `auth` that does not "
        "decode to `user:password`, or has the wrong shape for its key: `.dockerconfigjson` "
        "without `auths`, or `.dockercfg` with `auths` (that key holds hosts at the top "
        "level).",
        why="The kubelet builds one keyring from all of a pod's `imagePullSecrets` and a "
        "JSON error in any of them fails the whole keyring, so every image of the pod falls "
        "back to anonymous pulls; a config of the wrong shape silently matches no "
        "registry. The API server also rejects `data` values that are not base64.",
        fix="Recreate the Secret with `kubectl create secret docker-registry NAME "
        "--docker-server=HOST --docker-username=USER --docker-password=...` (or, for ECR, "
        "stop using a pull secret: see SCN009), put plain JSON under `stringData`, not "
        "`data`, and keep `.dockercfg` for the old top-level-hosts format only.",
        references=(_KUBELET_SECRETS,),
    ),
)

SCN011 = FAMILY.declare(
    "SCN011", "ghcr-push-without-packages-write", Severity.MEDIUM,
    "A workflow job pushes to ghcr.io with GITHUB_TOKEN but its permissions exclude packages",
    RuleDoc(
        what="A GitHub Actions job logs in to ghcr.io with the job token (`secrets."
        "GITHUB_TOKEN` / `github.token`) and pushes there (`docker push`, `docker buildx "
        "build --push`, or docker/build-push-action with `push: true`), while the job's "
        "`permissions` (or the workflow's, when the job sets none) do not grant `packages: "
        "write`.",
        why="Once `permissions` is set, every scope it does not name is `none`: the login "
        "succeeds (reading is allowed for public images, and the token is valid) and the "
        "push fails, typically `denied: installation not allowed to Write organization "
        "package` or `denied: permission_denied: write_package`.",
        fix="Add `packages: write` to the job's `permissions` (keep `contents: read`), or "
        "push with a token that has `write:packages`.",
        references=("docs.github.com · Publishing Docker images · Publishing images to "
                    "GitHub Packages (permissions: packages: write)",
                    "docs.github.com · Controlling permissions for GITHUB_TOKEN (unlisted "
                    "scopes are none)"),
    ),
)

SCAN_RULE_IDS: tuple[str, ...] = tuple(r.id for r in FAMILY.rules)

__all__ = ["SCAN_RULE_IDS", "SCN001", "SCN002", "SCN003", "SCN004", "SCN005", "SCN006",
           "SCN007", "SCN008", "SCN009", "SCN010", "SCN011"]
