"""The causes that belong to one runtime: Kubernetes, ECS, Lambda, ECR Public, the AWS CLI,
credential stores, BuildKit, Compose, Swarm, Nomad and podman. Data, reviewed like code.

A cause that a file check also covers points at that rule (KUB, ECS, CFG, ENV); one that only
an error message shows has its own ERR rule, declared from the cause (core/rules/err.py).
ERR ids are stable: never renumber, only add.
"""

from __future__ import annotations

from ecr_doctor.core.causes import Cause, make_cause

_cause = make_cause


RUNTIME_CAUSES: tuple[Cause, ...] = (
    # --- Kubernetes ---------------------------------------------------------------------------
    _cause(
        "pause-image-no-credentials",
        "The pod sandbox (pause) image is pulled by containerd itself, without the kubelet's "
        "ECR credentials",
        "The kubelet's credential provider serves only the images it pulls; containerd pulls its "
        "configured sandbox image on its own and has no ECR credentials, so once the image is "
        "garbage-collected or the node is new, every pod fails with FailedCreatePodSandBox "
        "(awslabs/amazon-eks-ami#1597; containerd · CRI config `sandbox_image`).",
        "`crictl images | grep pause` on the node; pin the sandbox image (containerd "
        "`pinned_images` / EKS AMI `pause` pre-pull), or point `sandbox_image` at an image the "
        "node can pull.",
        ("KUB022",),
    ),
    _cause(
        "node-role-no-ecr",
        "The node's IAM role has no ECR pull permissions",
        "On EKS and other AWS nodes the kubelet's credential provider (or, before 1.27, its "
        "in-tree AWS provider) asks ECR with the instance role; without "
        "AmazonEC2ContainerRegistryReadOnly / PullOnly the request is anonymous and ECR answers "
        "'no basic auth credentials' (kubernetes/cloud-provider-aws · "
        "cmd/ecr-credential-provider/main.go).",
        "`aws iam list-attached-role-policies --role-name <node role>`; attach "
        "AmazonEC2ContainerRegistryPullOnly (or ReadOnly).",
        ("KUB023",),
    ),
    _cause(
        "k8s-in-tree-provider-removed",
        "The kubelet's in-tree AWS credential provider is gone (Kubernetes 1.27+)",
        "Kubernetes 1.27 removed the in-tree AWS ECR credential provider (kubernetes/kubernetes"
        "#116329); a kubelet without `--image-credential-provider-config` and `-bin-dir` pulls "
        "ECR images anonymously.",
        "`ps -o args -C kubelet | tr ' ' '\\n' | grep image-credential-provider`; generate a "
        "config with `ecr-doctor kube provider-config`.",
        ("KUB020", "KUB021"),
    ),
    _cause(
        "provider-apiversion-wrong",
        "The kubelet and ecr-credential-provider disagree on the credential provider apiVersion",
        "The kubelet sends a CredentialProviderRequest in the apiVersion its config names; "
        "ecr-credential-provider v1.27.1 and later speak only credentialprovider.kubelet.k8s.io"
        "/v1 and older ones only v1alpha1 (kubernetes/cloud-provider-aws#597), so a mismatch "
        "makes every exec fail with 'group version … is not supported'.",
        "`ecr-doctor kube check <config>`; match the provider's apiVersion to the binary's "
        "release.",
        ("KUB002",),
    ),
    _cause(
        "match-images-not-covering",
        "The credential provider's matchImages do not cover this registry host",
        "The kubelet runs a provider only for images its matchImages globs match, and each `*` "
        "matches exactly one DNS label (kubernetes/kubernetes · pkg/credentialprovider/"
        "keyring.go · URLsMatchStr), so `*.amazonaws.com` never matches an ECR host.",
        "`ecr-doctor kube check <config> --registry <host>`.",
        ("KUB009", "KUB010", "KUB011"),
    ),
    _cause(
        "docker-helper-as-kubelet-provider",
        "docker-credential-ecr-login is configured as the kubelet's credential provider",
        "The kubelet writes a CredentialProviderRequest JSON document to the provider's stdin "
        "(KEP-2133); the Docker helper reads stdin as a server URL and fails with 'Error "
        "parsing the serverURL'. The kubelet needs ecr-credential-provider from "
        "kubernetes/cloud-provider-aws.",
        "In the CredentialProviderConfig, `name:` must be `ecr-credential-provider`, a binary "
        "in `--image-credential-provider-bin-dir`.",
        ("KUB004", "KUB005"),
        own="ERR018",
        sources=("kubernetes/enhancements · KEP-2133 kubelet credential providers",
                 "kubernetes/cloud-provider-aws · cmd/ecr-credential-provider"),
    ),
    _cause(
        "containerd-ignores-docker-helper",
        "containerd (CRI) does not use Docker's config or credential helpers",
        "containerd's CRI plugin takes registry credentials from the kubelet (credential "
        "provider, imagePullSecrets) or its own `registry.configs` auth, never from "
        "~/.docker/config.json or docker-credential-ecr-login "
        "(awslabs/amazon-ecr-credential-helper#966).",
        "Use the kubelet credential provider (`ecr-doctor kube provider-config`); for `ctr`/"
        "`crictl` pulls pass `--creds AWS:$(aws ecr get-login-password)`.",
        ("KUB025",),
    ),
    _cause(
        "pull-secret-token-expired",
        "An imagePullSecret holds an ECR token that expired after 12 hours",
        "A dockerconfigjson secret made from `aws ecr get-login-password` stops working 12 "
        "hours later unless something refreshes it (ECR API · GetAuthorizationToken).",
        "`kubectl get secrets -A -o json | ecr-doctor scan -` shows each token's expiry; use "
        "the node's credential provider or a refresher (External Secrets "
        "ECRAuthorizationToken).",
        ("KUB024",),
    ),
    # --- ECS / Fargate -------------------------------------------------------------------------
    _cause(
        "ecs-no-network-path",
        "The task has no network path to ECR, S3 or Secrets Manager / SSM",
        "Fargate and awsvpc tasks pull through their own ENI: a private subnet needs a NAT "
        "gateway or the VPC endpoints ecr.api, ecr.dkr, the S3 gateway (layers) and "
        "secretsmanager/ssm/logs as used; a public subnet needs assignPublicIp ENABLED; and the "
        "security group needs 443 egress (Amazon ECS Developer Guide · Fargate task networking).",
        "Check the task's subnet route table, `assignPublicIp`, security-group egress and the "
        "VPC endpoints; the stopped task's `stoppedReason` names the call that timed out.",
        ("ECS010",),
    ),
    _cause(
        "ecs-execution-role-no-ecr",
        "The task execution role is missing or lacks the ECR pull permissions",
        "The ECS agent pulls private ECR images with the task execution role (Fargate always; "
        "EC2 falls back to the instance role) and needs ecr:GetAuthorizationToken, "
        "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (aws/amazon-ecs-agent · "
        "agent/ecr/factory.go; AmazonECSTaskExecutionRolePolicy).",
        "`ecr-doctor ecs check <taskdef.json>`; `ecr-doctor policy iam --ecs-task-execution "
        "--repository <arn>`.",
        ("ECS003", "ECS007", "ECS011", "ECS013"),
    ),
    _cause(
        "ecs-secrets-permission",
        "The task execution role may not read the task's secrets",
        "Secrets in a task definition are fetched with the execution role before the container "
        "starts; without secretsmanager:GetSecretValue / ssm:GetParameters (and kms:Decrypt for "
        "a customer key) the task stops with ResourceInitializationError (Amazon ECS "
        "Developer Guide · Specifying sensitive data).",
        "`ecr-doctor policy iam --ecs-task-execution --secret <arn> --parameter <arn>`.",
        ("ECS004", "ECS012"),
    ),
    _cause(
        "ecs-secret-wrong-account",
        "A secret or parameter the task names does not exist in its account and region",
        "valueFrom must name a secret or parameter the execution role can see in the task's "
        "region (or a full ARN in another account the policy allows); a name created in another "
        "account, region or profile makes SSM or Secrets Manager answer not-found or invalid "
        "parameters (Amazon ECS Developer Guide · Specifying sensitive data).",
        "`aws ssm get-parameters --names <name> --region <task region>` (or `aws "
        "secretsmanager describe-secret --secret-id <arn>`) as the execution role.",
        own="ERR019",
        sources=("Amazon ECS Developer Guide · Specifying sensitive data using Secrets Manager / "
                 "Systems Manager Parameter Store",),
    ),
    # --- Lambda --------------------------------------------------------------------------------
    _cause(
        "lambda-oci-index-unsupported",
        "Lambda rejects an image index (buildx provenance / SBOM attestations, multi-platform)",
        "Lambda accepts a single-platform Docker v2 schema 2 or OCI image manifest; buildx 0.10+ "
        "adds provenance attestations by default, which turn the push into an image index that "
        "Lambda reports as an unsupported media type (AWS Lambda Developer Guide · Container "
        "image requirements; docker/buildx · provenance attestations).",
        "Build with `--provenance=false --sbom=false --platform linux/amd64` (or arm64), push, "
        "and point the function at that manifest.",
        own="ERR020",
        sources=("AWS Lambda Developer Guide · Create a Lambda function using a container image",
                 "docker/buildx · docs: build --provenance"),
    ),
    _cause(
        "lambda-image-not-private-ecr",
        "Lambda takes images only from a private ECR repository",
        "A function's ImageUri must be a private Amazon ECR image; public.ecr.aws, Docker Hub "
        "and other registries are refused (AWS Lambda Developer Guide · Container image "
        "requirements).",
        "Copy the image into a private repository (an ECR pull-through cache rule works) and use "
        "<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>.",
        own="ERR021",
        sources=("AWS Lambda Developer Guide · Create a Lambda function using a container image",),
    ),
    _cause(
        "lambda-cross-account-or-region",
        "The function's image is in another account or region than Lambda accepts",
        "The repository must be in the function's region; another account's repository works "
        "only if its repository policy lets lambda.amazonaws.com (and the function's account) "
        "pull (AWS Lambda Developer Guide · Cross-account permissions for container images).",
        "Compare the ImageUri's account and region with the function's; add the repository "
        "policy statement the guide gives, or replicate the image.",
        own="ERR022",
        sources=("AWS Lambda Developer Guide · Amazon ECR permissions (cross-account)",),
    ),
    _cause(
        "lambda-tag-missing",
        "The image URI names a tag that does not exist in the repository",
        "Lambda resolves the tag once, when the function is created or updated; a tag not "
        "pushed yet (often :latest from a deploy tool) is 'does not exist. Provide a valid "
        "source image' (AWS Lambda API · CreateFunction InvalidParameterValueException).",
        "`aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag>`; push "
        "before deploying, or deploy by digest.",
        ("ECS014",),
        own="ERR023",
        sources=("AWS Lambda API Reference · CreateFunction",),
    ),
    # --- ECR Public ----------------------------------------------------------------------------
    _cause(
        "ecr-public-stale-token",
        "An expired public.ecr.aws token is stored, so Docker sends it instead of pulling "
        "anonymously",
        "ECR Public allows anonymous pulls, but a client with a stored (expired) token for "
        "public.ecr.aws sends it and gets 403 'authorization token has expired' (ECR Public "
        "User Guide · Registry authentication; docker/cli · credentials lookup).",
        "`docker logout public.ecr.aws` (and remove a credHelpers/credsStore entry for it), "
        "then pull again.",
        own="ERR024",
        sources=("Amazon ECR Public User Guide · Registry authentication",),
    ),
    _cause(
        "ecr-public-rate-limit",
        "Anonymous pulls from public.ecr.aws hit the rate limit",
        "Unauthenticated pulls are limited per source IP (ECR Public quotas); shared NAT "
        "gateways and CI fleets reach it and get 'toomanyrequests: Rate exceeded'.",
        "Log in (`aws ecr-public get-login-password --region us-east-1 | docker login "
        "--username AWS --password-stdin public.ecr.aws`) or use an ECR pull-through cache.",
        own="ERR025",
        sources=("Amazon ECR Public User Guide · Service quotas",),
    ),
    _cause(
        "ecr-public-login-region",
        "ECR Public tokens come only from us-east-1",
        "`aws ecr-public get-login-password` works only against us-east-1; a token asked for "
        "elsewhere, or `aws ecr get-login-password` (private ECR) used for public.ecr.aws, is "
        "refused with 'denied: Not Authorized' (ECR Public User Guide · Registry "
        "authentication).",
        "`aws ecr-public get-login-password --region us-east-1 | docker login --username AWS "
        "--password-stdin public.ecr.aws`.",
        own="ERR026",
        sources=("Amazon ECR Public User Guide · Registry authentication",),
    ),
    # --- AWS CLI -------------------------------------------------------------------------------
    _cause(
        "aws-cli-too-old",
        "The installed AWS CLI is too old for this command",
        "`aws: error: argument command: Invalid choice` means the CLI does not know the "
        "service; get-login-password arrived in AWS CLI 1.17.10 and ecr-public later "
        "(aws/aws-cli CHANGELOG).",
        "`aws --version`; install AWS CLI v2.",
        own="ERR027",
        sources=("aws/aws-cli · CHANGELOG.rst (ecr get-login-password, ecr-public)",),
    ),
    _cause(
        "invalid-region-config",
        "The region given to the AWS CLI or SDK is malformed",
        "botocore refuses a region that is not a host label ('Provided region_name … doesn't "
        "match a supported format'), often an unexpanded variable name, so no token is fetched "
        "and `docker login` gets an empty password (boto/botocore · utils.py · "
        "validate_region_name).",
        "`echo \"$AWS_REGION\"`; pass a real region (`--region eu-west-1`).",
        own="ERR028",
        sources=("boto/botocore · botocore/utils.py · validate_region_name",),
    ),
    # --- credential stores ---------------------------------------------------------------------
    _cause(
        "osxkeychain-locked",
        "The macOS keychain is locked or cannot ask for a password (CI, SSH)",
        "credsStore osxkeychain writes to the login keychain; a locked keychain without a GUI "
        "session fails with 'User interaction is not allowed (-25308)' or a passphrase error "
        "(docker/docker-credential-helpers · osxkeychain).",
        "Use credHelpers → ecr-login for ECR hosts (no keychain); or `security "
        "unlock-keychain` first in CI.",
        own="ERR029",
        sources=("docker/docker-credential-helpers · osxkeychain/osxkeychain.go",),
    ),
    _cause(
        "wincred-stub-bad-data",
        "Windows Credential Manager refuses the ECR token as too large",
        "wincred stores a credential blob of at most 2,560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE); "
        "an ECR token is larger, so `docker login` fails with 'The stub received bad data' "
        "(docker/docker-credential-helpers · wincred).",
        "Use credHelpers → ecr-login for ECR hosts, so no token is stored.",
        own="ERR030",
        sources=("docker/docker-credential-helpers · wincred/wincred.go",),
    ),
    _cause(
        "pass-not-initialised",
        "credsStore pass is set but the password store is not initialised",
        "docker-credential-pass needs `pass init <gpg-id>` first; otherwise every get and "
        "store fails with 'pass not initialized' (docker/docker-credential-helpers · pass).",
        "`pass ls`; `pass init <gpg key id>`, or use credHelpers → ecr-login for ECR hosts.",
        own="ERR031",
        sources=("docker/docker-credential-helpers · pass/pass.go",),
    ),
    _cause(
        "helper-wrong-architecture",
        "The credential helper binary is built for another CPU or OS",
        "'exec format error' means the kernel cannot run the file: an amd64 helper on arm64 "
        "(Apple silicon, Graviton), or a Windows .exe under WSL (Go · os/exec).",
        "`file $(command -v docker-credential-<name>)`; install the build for `uname -m`.",
        own="ERR032",
        sources=("golang/go · os/exec (ENOEXEC: exec format error)",),
    ),
    # --- Docker clients ------------------------------------------------------------------------
    _cause(
        "classic-build-list-credentials",
        "Classic `docker build` sent only the credentials it could list, not the ECR helper's",
        "Without BuildKit, `docker build` sends every credential it can enumerate up front "
        "(docker/cli · cli/command/image/build.go · GetAllCredentials), ignoring helpers that "
        "fail or list nothing, so a FROM on ECR goes without credentials "
        "(awslabs/amazon-ecr-credential-helper#251).",
        "Build with BuildKit (`DOCKER_BUILDKIT=1` / `docker buildx build`), or `docker pull` "
        "the base image first.",
        own="ERR033",
        sources=("docker/cli · cli/command/image/build.go",
                 "awslabs/amazon-ecr-credential-helper#251"),
    ),
    _cause(
        "compose-v1-no-helpers",
        "docker-compose v1 did not use the credential helper",
        "Compose v1 pulls through docker-py, whose credential-helper support came late and "
        "missed credHelpers entries in older releases (docker/docker-py · docker/auth.py), so "
        "compose pulls went anonymous while `docker pull` worked.",
        "`docker-compose version`; use Compose v2 (`docker compose`), which uses the Docker "
        "CLI's credential store.",
        own="ERR034",
        sources=("docker/docker-py · docker/auth.py",),
    ),
    _cause(
        "docker-too-old-for-helpers",
        "The Docker client predates credential helpers",
        "credsStore needs Docker 1.11 and per-registry credHelpers Docker 1.13; an older client "
        "never runs docker-credential-ecr-login (docker/cli · cli/config/configfile/file.go "
        "history).",
        "`docker version --format '{{.Client.Version}}'`; upgrade the client.",
        own="ERR035",
        sources=("Docker Engine 1.13 release notes (credHelpers)",),
    ),
    _cause(
        "swarm-without-registry-auth",
        "The swarm service was deployed without --with-registry-auth (or with a token now "
        "expired)",
        "Swarm nodes pull with the credentials the manager stored in the service spec; without "
        "--with-registry-auth there are none, and with it an ECR token frozen in the spec dies "
        "after 12 hours (docker/cli · cli/command/service/create.go; moby/moby#31063).",
        "Redeploy with `docker stack deploy --with-registry-auth` (or `docker service update "
        "--with-registry-auth`) right after logging in, on a schedule shorter than 12 hours.",
        own="ERR036",
        sources=("docker/cli · cli/command/service/create.go", "moby/moby#31063"),
    ),
    _cause(
        "service-no-home-or-path",
        "The service that runs Docker (Nomad, systemd, cron) has no PATH to the helper or no "
        "AWS credentials",
        "A helper is found on the PATH of the process that asks for credentials, and the AWS "
        "SDK reads ~/.aws of its HOME; agents and units often run with a minimal PATH and no "
        "HOME (hashicorp/nomad · drivers/docker · authFromHelper; systemd.exec Environment=).",
        "`systemctl show <unit> -p Environment`; install the helper in /usr/local/bin or set "
        "PATH and AWS credentials for the service.",
        own="ERR037",
        sources=("hashicorp/nomad · drivers/docker/utils.go · authFromHelper",),
    ),
    _cause(
        "buildx-scoped-config",
        "A buildx scoped config shadows the main Docker config for this registry",
        "buildx reads per-registry configs at $DOCKER_CONFIG/buildx/config/<host>/config.json "
        "first (docker/buildx · util/dockerutil/dockerconfig/configprovider.go); a stale token "
        "or empty config there wins over credHelpers.",
        "`ecr-doctor diagnose` lists the scoped configs; remove or fix the one for the host.",
        ("CFG030", "CFG031", "CFG032"),
    ),
    _cause(
        "podman-creds-store-ignored",
        "podman / skopeo / buildah ignore Docker's credsStore",
        "containers/image reads auth.json and Docker's config but implements only credHelpers, "
        "not credsStore (containers/image · pkg/docker/config/config.go), so a login stored "
        "through credsStore is invisible to them.",
        "Add a credHelpers entry for the host, or `podman login` (auth.json); `ecr-doctor "
        "diagnose --client podman`.",
        ("CFG033",),
    ),
)
