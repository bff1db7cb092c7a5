"""The Kubernetes family (KUB…): the kubelet's image credential provider set-up.

KUB001-KUB016 read a kubelet `CredentialProviderConfig`: `ecr-doctor kube check` fires them
(ecr_doctor.core.kube.check). KUB020-KUB025 describe node set-ups no config file shows; no
check fires them: `explain` names them as causes of a pasted error. All are declared here, so
`ecr-doctor rules` lists them and `ecr-doctor explain KUB001` prints their pages; none runs on a
Docker config.
"""

from __future__ import annotations

from ecr_doctor.core.model import Applicability, Severity
from ecr_doctor.core.rules.base import Family, RuleDoc

FAMILY = Family("KUB")

_CONFIG_GO = ("kubernetes/kubernetes · pkg/credentialprovider/plugin/config.go · "
              "validateCredentialProviderConfig, decode")
_PLUGIN_GO = ("kubernetes/kubernetes · pkg/credentialprovider/plugin/plugin.go · "
              "RegisterCredentialProviderPlugins (codecs with serializer.EnableStrict)")
_KEYRING_GO = ("kubernetes/kubernetes · pkg/credentialprovider/keyring.go · URLsMatchStr, "
               "URLsMatch, ParseSchemelessURL (filepath.Match per DNS label)")
_TYPES_GO = "kubernetes/kubernetes · staging/src/k8s.io/kubelet/config/v1/types.go"
_PROVIDER_MAIN = ("kubernetes/cloud-provider-aws · cmd/ecr-credential-provider/main.go · "
                  "ecrPrivateHostPattern, ecrPublicHosts, getCacheDuration")
_EKS_NODEADM = ("awslabs/amazon-eks-ami · nodeadm/internal/kubelet/image-credential-provider.go "
                "· generateImageCredentialProviderConfig")
_FATAL = ("The kubelet reads this file once, at start-up, and refuses to start when it does "
          "not decode or validate (RegisterCredentialProviderPlugins returns the error to "
          "NewMainKubelet): the node never becomes Ready, and its journal shows "
          "`failed to validate credential provider config` or `error decoding config`.")

KUB001 = FAMILY.declare(
    "KUB001", "credential-provider-config-kind", Severity.HIGH,
    "The config's top-level apiVersion or kind is missing or not one the kubelet decodes",
    RuleDoc(
        what="The top-level `apiVersion` is not `kubelet.config.k8s.io/v1` (or the older "
        "`v1beta1`, `v1alpha1`), or `kind` is not `CredentialProviderConfig`, or either is "
        "missing. The example in cloud-provider-aws docs/credential_provider.md has neither.",
        why=_FATAL + " The decoder needs both to know what the file is (decode: "
        "`failed to decode ... (wrong Kind)`, `unexpected Group`; a missing kind is "
        "`Object 'Kind' is missing`).",
        fix="Start the file with `apiVersion: kubelet.config.k8s.io/v1` and `kind: "
        "CredentialProviderConfig` (kubelet 1.26 and later; older kubelets: v1alpha1, as "
        "`ecr-doctor kube provider-config --kubelet-version 1.25` prints).",
        example='{"providers": [...]}  (no apiVersion, no kind)',
        references=(_CONFIG_GO, _PLUGIN_GO, "kubernetes/cloud-provider-aws · "
                    "docs/credential_provider.md (example without apiVersion/kind)"),
    ),
    fixable=Applicability.UNSAFE,
)

KUB002 = FAMILY.declare(
    "KUB002", "provider-api-version", Severity.HIGH,
    "A provider's apiVersion is missing, unknown to the kubelet, or older than the "
    "ECR provider accepts",
    RuleDoc(
        what="`providers[].apiVersion` is missing or not one of "
        "`credentialprovider.kubelet.k8s.io/v1`, `v1beta1`, `v1alpha1` (high: the kubelet "
        "refuses the file); or it is v1alpha1/v1beta1 for `ecr-credential-provider` (medium).",
        why=_FATAL + " The version is the request the kubelet writes to the plugin's stdin. "
        "ecr-credential-provider from v1.27.1 accepts only v1 (cmd/ecr-credential-provider/"
        "plugin.go · runPlugin: `group version ... is not supported`), so an older version "
        "there makes every pull from ECR anonymous: `no basic auth credentials` / 403.",
        fix="Set `apiVersion: credentialprovider.kubelet.k8s.io/v1` on the provider "
        "(kubelet 1.26 and later).",
        example="apiVersion: credentialprovider.kubelet.k8s.io/v1alpha1",
        references=(_CONFIG_GO, "kubernetes/cloud-provider-aws · cmd/ecr-credential-provider/"
                    "plugin.go · runPlugin (v1 only since c66a2e61, v1.27.1)",
                    "awslabs/amazon-eks-ami#1268, #1269: v1 in 1.27+"),
    ),
    fixable=Applicability.SAFE,
)

KUB003 = FAMILY.declare(
    "KUB003", "default-cache-duration", Severity.HIGH,
    "A provider's defaultCacheDuration is missing, not a quoted duration, or negative",
    RuleDoc(
        what="`providers[].defaultCacheDuration` is required; it is a Go duration string "
        "(`12h`, `30m`, `0`) parsed by time.ParseDuration. A bare YAML number (`0`, `12`) "
        "is a JSON number to the decoder, not a string; `1d` is no Go duration.",
        why=_FATAL + " For the ECR provider the value rarely matters once it runs: it "
        "returns its own cacheDuration, half the token's remaining life (main.go · "
        "getCacheDuration), so the kubelet renews well before the 12-hour token expires.",
        fix="Write `defaultCacheDuration: \"12h\"` (what EKS nodeadm writes).",
        example="defaultCacheDuration: 0",
        references=(_CONFIG_GO, _TYPES_GO + " · DefaultCacheDuration *metav1.Duration",
                    _PROVIDER_MAIN, _EKS_NODEADM),
    ),
    fixable=Applicability.SAFE,
)

KUB004 = FAMILY.declare(
    "KUB004", "provider-name-invalid", Severity.HIGH,
    "A provider name is empty or not a file name (contains '/', a space, or is '.' or '..')",
    RuleDoc(
        what="`providers[].name` must be the plugin executable's file name in "
        "`--image-credential-provider-bin-dir`: no `/`, no spaces, not `.` or `..`; it is "
        "missing, empty, or breaks one of those. Names with control characters are reported "
        "too (shown escaped): no binary is meant to be called that.",
        why=_FATAL + " The kubelet runs `<bin-dir>/<name>`; a path or a misspelt name "
        "cannot be found there (`plugin binary executable ... did not exist`).",
        fix="Use the binary's bare file name, e.g. `name: ecr-credential-provider`, and put "
        "the directory in the kubelet flag `--image-credential-provider-bin-dir`.",
        example="name: /usr/local/bin/ecr-credential-provider",
        references=(_CONFIG_GO, _PLUGIN_GO + " · exec.LookPath(filepath.Join(pluginBinDir, "
                    "provider.Name))"),
    ),
)

KUB005 = FAMILY.declare(
    "KUB005", "provider-binary-missing", Severity.HIGH,
    "No executable named as the provider is in the --bin-dir given",
    RuleDoc(
        what="With `--bin-dir DIR` (the kubelet's `--image-credential-provider-bin-dir`), "
        "`DIR/<name>` does not exist, is a directory, or is not executable.",
        why=_FATAL + " RegisterCredentialProviderPlugins looks every provider up with "
        "exec.LookPath before the kubelet serves anything.",
        fix="Install the binary under exactly that name (EKS: "
        "/etc/eks/image-credential-provider/ecr-credential-provider), `chmod 0755` it, or "
        "fix the name or the kubelet's --image-credential-provider-bin-dir.",
        example="kube check config.yaml --bin-dir /etc/eks/image-credential-provider",
        references=(_PLUGIN_GO, _EKS_NODEADM + " · ensureCredentialProviderBinaryExists"),
    ),
)

KUB006 = FAMILY.declare(
    "KUB006", "no-providers-or-match-images", Severity.HIGH,
    "The config lists no providers, or a provider has no matchImages",
    RuleDoc(
        what="`providers` is missing or empty, or a provider's `matchImages` is missing "
        "or empty.",
        why=_FATAL + " validateCredentialProviderConfig requires at least one provider and "
        "at least one matchImages entry per provider.",
        fix="List the ECR host families: `ecr-doctor kube provider-config` prints them.",
        example="matchImages: []",
        references=(_CONFIG_GO,),
    ),
)

KUB007 = FAMILY.declare(
    "KUB007", "match-image-unparseable", Severity.HIGH,
    "A matchImages entry does not parse as a URL, so the kubelet refuses the file",
    RuleDoc(
        what="`https://` + the entry does not parse with Go's url.Parse: a `[` in the host "
        "(so character classes cannot be used), a space, a control character, a port that "
        "is not digits, a bad `%` escape.",
        why=_FATAL + " validateCredentialProviderConfig runs ParseSchemelessURL on every "
        "entry (`match image is invalid`).",
        fix="Write the host with `*` globs only, one per DNS label: "
        "`*.dkr.ecr.*.amazonaws.com`.",
        example="- \"[0-9]*.dkr.ecr.*.amazonaws.com\"",
        references=(_CONFIG_GO, _KEYRING_GO),
    ),
)

KUB008 = FAMILY.declare(
    "KUB008", "match-image-never-matches", Severity.MEDIUM,
    "A matchImages entry can never match an image it was written for",
    RuleDoc(
        what="An entry with a scheme (`https://…`: the kubelet prefixes `https://` itself, "
        "so the host becomes `https:`), or, on the ECR provider, an entry that no ECR host "
        "can match: a `*` spanning several labels (`*.amazonaws.com`), a port (images name "
        "ECR without one, and ports must be equal), a wrong literal label.",
        why="Each `*` matches exactly one DNS label and the label counts must be equal "
        "(keyring.go · URLsMatch), so `*.amazonaws.com` does not match "
        "`123456789012.dkr.ecr.us-east-1.amazonaws.com`. Images the entry was meant for get "
        "no credentials: `no basic auth credentials` or 403 on pull.",
        fix="One `*` per label: `*.dkr.ecr.*.amazonaws.com`; drop schemes and ports. "
        "`ecr-doctor kube provider-config` prints every ECR family.",
        example="- \"*.amazonaws.com\"",
        references=(_KEYRING_GO, "kubernetes/cloud-provider-aws · docs/credential_provider.md "
                    "(\"each glob can only match a single subdomain segment\")"),
    ),
    fixable=Applicability.SAFE,
)

KUB009 = FAMILY.declare(
    "KUB009", "ecr-provider-matches-no-ecr-host", Severity.HIGH,
    "The ECR provider's matchImages match no ECR host at all",
    RuleDoc(
        what="A provider named like the ECR provider whose every matchImages entry can "
        "never match an ECR registry host.",
        why="The kubelet never calls the plugin for an ECR image, so every private pull is "
        "anonymous and fails (`no basic auth credentials`, 403), while the node looks "
        "correctly set up.",
        fix="Replace the entries with `ecr-doctor kube provider-config`'s list.",
        example="matchImages: [\"*.amazonaws.com\"]",
        references=(_KEYRING_GO, _PROVIDER_MAIN),
    ),
)

KUB010 = FAMILY.declare(
    "KUB010", "registry-not-covered", Severity.HIGH,
    "A registry named with --registry is matched by no provider's matchImages",
    RuleDoc(
        what="An image on a `--registry HOST` would match no provider, as the kubelet "
        "matches (plugin.go · isImageAllowed).",
        why="The kubelet pulls it without credentials: `no basic auth credentials` / 403.",
        fix="Add the host's family glob (see `ecr-doctor kube provider-config`) or the "
        "host itself to the ECR provider's matchImages.",
        example="kube check config.yaml --registry 123456789012.dkr-ecr.us-east-1.on.aws",
        references=(_KEYRING_GO, "kubernetes/kubernetes · pkg/credentialprovider/plugin/"
                    "plugin.go · isImageAllowed"),
    ),
)

KUB011 = FAMILY.declare(
    "KUB011", "host-family-not-covered", Severity.LOW,
    "The matchImages cover a partition's ECR hosts but not all of its host families",
    RuleDoc(
        what="The config serves a partition's standard ECR hosts but not its other "
        "families: FIPS (`dkr.ecr-fips`, `dkr-ecr-fips`), dual-stack (`*.dkr-ecr.*.on.aws`, "
        "`on.amazonwebservices.com.cn`), ECR Public (`public.ecr.aws`, `ecr-public.aws.com`).",
        why="An image named by one of those hosts is pulled without credentials: private "
        "repositories fail, ECR Public pulls fall to the anonymous rate limits. The "
        "provider serves every family (main.go · ecrPrivateHostPattern, ecrPublicHosts).",
        fix="Use `ecr-doctor kube provider-config --partition P` for the full list.",
        example="matchImages: [\"*.dkr.ecr.*.amazonaws.com\"]",
        references=(_PROVIDER_MAIN, _EKS_NODEADM),
    ),
)

KUB012 = FAMILY.declare(
    "KUB012", "duplicate-provider-name", Severity.HIGH,
    "Two providers have the same name",
    RuleDoc(
        what="Two `providers[]` entries share a `name` (also across the files of a config "
        "directory, which kubelets with directory support merge).",
        why=_FATAL + " (validateCredentialProviderConfig: `Duplicate value`; "
        "readCredentialProviderConfig: `duplicate provider name`).",
        fix="Merge the entries' matchImages into one provider.",
        example="two `name: ecr-credential-provider` entries",
        references=(_CONFIG_GO,),
    ),
)

KUB013 = FAMILY.declare(
    "KUB013", "token-attributes-invalid", Severity.HIGH,
    "A provider's tokenAttributes (service-account tokens for image pulls) are incomplete "
    "or inconsistent",
    RuleDoc(
        what="`tokenAttributes` (KEP-4412) without `serviceAccountTokenAudience`, without "
        "`requireServiceAccount`, without a `cacheType` of `Token` or `ServiceAccount`, on a "
        "provider whose apiVersion is not v1, with `requireServiceAccount: false` and "
        "`requiredServiceAccountAnnotationKeys`, or with a key both required and optional.",
        why=_FATAL + " The kubelet also refuses tokenAttributes while the feature gate "
        "KubeletServiceAccountTokenForCredentialProviders is off (alpha, off by default, in "
        "1.33; beta, on, from 1.34). ecr-credential-provider uses the token from v1.34.0: it "
        "assumes the role in the service account annotation `eks.amazonaws.com/ecr-role-arn` "
        "(or $AWS_ECR_ROLE_ARN) with AssumeRoleWithWebIdentity.",
        fix="Set all three required fields: `serviceAccountTokenAudience` (the audience your "
        "IAM OIDC provider trusts, e.g. sts.amazonaws.com), `requireServiceAccount: true`, "
        "`cacheType: ServiceAccount`, on an `apiVersion: credentialprovider.kubelet.k8s.io/v1` "
        "provider.",
        example="tokenAttributes: {serviceAccountTokenAudience: sts.amazonaws.com}",
        references=(_CONFIG_GO, _TYPES_GO + " · ServiceAccountTokenAttributes",
                    "kubernetes/enhancements KEP-4412",
                    "kubernetes/cloud-provider-aws 623f9e2c (ServiceAccountToken support)"),
    ),
)

KUB014 = FAMILY.declare(
    "KUB014", "unknown-field", Severity.HIGH,
    "The config has a field the kubelet does not know (a typo, or the wrong case)",
    RuleDoc(
        what="A key that is not a field of CredentialProviderConfig, CredentialProvider, "
        "ExecEnvVar or ServiceAccountTokenAttributes. Field names are case-sensitive: "
        "`matchimages` and `MatchImages` are unknown.",
        why=_FATAL + " The kubelet's decoder is strict (serializer.EnableStrict): an unknown "
        "field is an error, not a warning.",
        fix="Rename it to the field meant (the message names it), or delete it.",
        example="defaultCacheduration: 12h",
        references=(_PLUGIN_GO, _TYPES_GO),
    ),
    fixable=Applicability.SAFE,
)

KUB015 = FAMILY.declare(
    "KUB015", "duplicate-key", Severity.HIGH,
    "A key appears twice in the same mapping",
    RuleDoc(
        what="The same key twice in one mapping (JSON object or YAML mapping).",
        why=_FATAL + " Strict decoding reports duplicate fields as errors; ordinary YAML "
        "and JSON tools keep the last one silently, so the file looks fine elsewhere.",
        fix="Keep one of them.",
        example="matchImages twice in one provider",
        references=(_PLUGIN_GO, "sigs.k8s.io/yaml · YAMLToJSONStrict"),
    ),
)

KUB016 = FAMILY.declare(
    "KUB016", "wrong-type", Severity.HIGH,
    "A field holds the wrong type of value (a string for a list, a number for a string, …)",
    RuleDoc(
        what="A field whose value does not decode into its Go type: `matchImages` as a "
        "single string, `name: true`, `args` with numbers, `requireServiceAccount: \"yes\"`.",
        why=_FATAL + " (json: cannot unmarshal ... into Go struct field).",
        fix="Write the value in the type the message names: lists as YAML lists, strings "
        "quoted when YAML would read them as a number or boolean.",
        example="matchImages: \"*.dkr.ecr.*.amazonaws.com\"",
        references=(_TYPES_GO,),
    ),
)


# --- Declared: fired by `explain` (a pasted error), never by a config check --------------

KUB020 = FAMILY.declare(
    "KUB020", "in-tree-aws-credential-provider-removed", Severity.HIGH,
    "Kubernetes 1.27 removed the kubelet's built-in ECR credentials; the node needs the "
    "external ecr-credential-provider",
    RuleDoc(
        what="A node on kubelet 1.27 or later that relied on the in-tree AWS credential "
        "provider (`--cloud-provider=aws` gave ECR credentials for free) and has no "
        "`--image-credential-provider-config` / `--image-credential-provider-bin-dir`.",
        why="The in-tree provider was removed in 1.27 (kubernetes/kubernetes#116329, "
        "CHANGELOG-1.27: \"Removed AWS kubelet credential provider. Please use the external "
        "kubelet credential provider binary named ecr-credential-provider instead\"). After "
        "the upgrade, every private ECR pull is anonymous: `no basic auth credentials`, "
        "`pull access denied`, 403, ImagePullBackOff, although nothing in the cluster "
        "changed. Managed EKS AMIs ship the provider; self-built AMIs, kops, Gardener, k3s "
        "and kubeadm nodes often do not.",
        fix="Install ecr-credential-provider (kubernetes/cloud-provider-aws releases) into a "
        "directory, write its config (`ecr-doctor kube provider-config > "
        "/etc/kubernetes/ecr-credential-provider.yaml`), start the kubelet with "
        "`--image-credential-provider-config=<that file> "
        "--image-credential-provider-bin-dir=<that directory>`, then `ecr-doctor kube check "
        "<file> --bin-dir <directory>`.",
        example="Failed to pull image \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1\": "
        "... no basic auth credentials",
        references=("kubernetes/kubernetes#116329 (removal of the AWS credential provider)",
                    "gardener/gardener#8939, deckhouse/deckhouse#8023 (upgrades that hit it)",
                    _EKS_NODEADM),
    ),
)

KUB021 = FAMILY.declare(
    "KUB021", "kubelet-credential-provider-flags", Severity.HIGH,
    "The kubelet is not started with the credential provider flags, or they point at the "
    "wrong file or directory",
    RuleDoc(
        what="The kubelet lacks `--image-credential-provider-config` or "
        "`--image-credential-provider-bin-dir`, or one names a path that does not hold the "
        "config / the provider binary (a typo, a file moved by a new AMI, a drop-in that "
        "overrides KUBELET_EXTRA_ARGS).",
        why="Without both flags the kubelet registers no plugin and pulls ECR images "
        "anonymously; with a wrong path it fails to start (`plugin binary directory ... "
        "did not exist`, `unable to access path`). EKS nodeadm sets both to "
        "/etc/eks/image-credential-provider/{config.json,} and the kubelet command line "
        "shows them (`ps -o args -C kubelet`).",
        fix="Check the running kubelet's arguments (`systemctl cat kubelet`, "
        "`ps -o args -C kubelet`), make both flags name the file and the directory, and run "
        "`ecr-doctor kube check <config> --bin-dir <dir>`.",
        example="--image-credential-provider-config=/etc/eks/ecr-credential-provider/config.json "
        "(the file is in /etc/eks/image-credential-provider/)",
        references=(_PLUGIN_GO + " (`plugin binary directory %s did not exist`)",
                    _EKS_NODEADM + " · writeImageCredentialProviderConfig",
                    "awslabs/amazon-eks-ami#1240 (flags lost when the unit changed)"),
    ),
)

KUB022 = FAMILY.declare(
    "KUB022", "sandbox-image-without-kubelet-credentials", Severity.MEDIUM,
    "The pause (sandbox) image is pulled by containerd itself, without the kubelet's "
    "credential provider",
    RuleDoc(
        what="The sandbox image (containerd 1.x `sandbox_image` under "
        "`[plugins.\"io.containerd.grpc.v1.cri\"]`, containerd 2.x `sandbox` under "
        "`[plugins.'io.containerd.cri.v1.images'.pinned_images]`) lives in a private ECR "
        "repository (EKS: `602401143452.dkr.ecr.<region>.amazonaws.com/eks/pause`, an account "
        "per region), and it is not already on the node.",
        why="containerd pulls the sandbox image when it creates a pod sandbox, on its own: "
        "the kubelet's credential provider is not asked, so the pull is anonymous and every "
        "pod on the node fails with `failed to get sandbox image` / 401, even though the "
        "application images pull fine. EKS AMIs avoid it by caching the pause image at build "
        "time (cache-pause-container) and pinning it so image garbage collection keeps it.",
        fix="Pre-pull the pause image with ECR credentials at boot and keep it pinned "
        "(`ctr -n k8s.io images pull --user AWS:$(aws ecr get-login-password) IMAGE`; "
        "`ctr -n k8s.io images label IMAGE io.cri-containerd.pinned=pinned`), or point "
        "sandbox_image at a public copy (`registry.k8s.io/pause` or `public.ecr.aws/eks-"
        "distro/kubernetes/pause`).",
        example="failed to get sandbox image \"602401143452.dkr.ecr.us-west-2.amazonaws.com/"
        "eks/pause:3.5\": ... 401 Unauthorized",
        references=("awslabs/amazon-eks-ami · nodeadm/internal/containerd/config.template.toml "
                    "(sandbox_image), config2.template.toml (pinned_images.sandbox)",
                    "awslabs/amazon-eks-ami · nodeadm/internal/containerd/sandbox_image.go "
                    "(\"ECR credentials are not yet available\")",
                    "awslabs/amazon-eks-ami · templates/al2023/runtime/bin/cache-pause-container"),
    ),
)

KUB023 = FAMILY.declare(
    "KUB023", "node-role-without-ecr-permissions", Severity.HIGH,
    "The identity the ECR provider uses (the node's IAM role) may not pull from ECR",
    RuleDoc(
        what="The node instance role (or the role ecr-credential-provider assumes) lacks "
        "`ecr:GetAuthorizationToken` and the repository pull actions "
        "(`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`) - the managed policies "
        "`AmazonEC2ContainerRegistryReadOnly` or `AmazonEC2ContainerRegistryPullOnly` - or, "
        "for ECR Public, `ecr-public:GetAuthorizationToken` and `sts:GetServiceBearerToken`; "
        "or a repository policy in another account does not grant the role.",
        why="The provider runs with the node's credentials (the SDK's chain: IMDS on EC2). "
        "Without the token permission it fails and the kubelet pulls anonymously (`no basic "
        "auth credentials`); without the repository permissions the registry answers "
        "`403 Forbidden` / `not authorized to perform: ecr:BatchGetImage`.",
        fix="Attach `arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly` (or "
        "ReadOnly) to the node role, or a least-privilege policy from `ecr-doctor policy iam "
        "--pull --repository ARN`; for another account's repository, grant the node role in "
        "that repository's policy. With tokenAttributes (KUB013), the service account's "
        "`eks.amazonaws.com/ecr-role-arn` role needs them instead.",
        example="is not authorized to perform: ecr:GetAuthorizationToken on resource: *",
        references=("AWS managed policies AmazonEC2ContainerRegistryReadOnly, "
                    "AmazonEC2ContainerRegistryPullOnly (Amazon ECR User Guide)",
                    _PROVIDER_MAIN + " · defaultECRProvider, getPublicCredsData"),
    ),
)

KUB024 = FAMILY.declare(
    "KUB024", "image-pull-secret-ecr-token-expires", Severity.HIGH,
    "An imagePullSecret holds an ECR token, which expires after 12 hours with nothing "
    "refreshing it",
    RuleDoc(
        what="A `kubernetes.io/dockerconfigjson` Secret (used as `imagePullSecrets`) holds "
        "an ECR authorization token (`AWS:` + a 12-hour password), made once with `aws ecr "
        "get-login-password` or `kubectl create secret docker-registry`.",
        why="The token works for 12 hours. Pods scheduled later (a restart, a new node, an "
        "autoscaling event) fail with `authorization token has expired` or "
        "`no basic auth credentials` - typically overnight, on k3s, Rancher, kind, "
        "on-premises and GitOps clusters. A committed secret also leaks a live credential "
        "(SCN001).",
        fix="Lasting remedies, best first: the kubelet credential provider "
        "(`ecr-doctor kube provider-config`) with the node's IAM role, or IRSA / EKS Pod "
        "Identity via tokenAttributes; otherwise a refresher that never stores the token "
        "in git - the External Secrets Operator generator `ECRAuthorizationToken` "
        "(generators.external-secrets.io/v1alpha1) feeding an ExternalSecret with "
        "`refreshInterval` below 12h, or a CronJob that runs `aws ecr get-login-password` "
        "every few hours under an IAM role.",
        example="kubectl create secret docker-registry ecr --docker-username=AWS "
        "--docker-password=$(aws ecr get-login-password)",
        references=("External Secrets Operator · generator ECRAuthorizationToken "
                    "(external-secrets.io/latest/api/generator/ecr)",
                    "argoproj/argo-cd#8097, rancher/rancher#14907, "
                    "nabsul/k8s-ecr-login-renew (CronJob refreshers)"),
    ),
)

KUB025 = FAMILY.declare(
    "KUB025", "containerd-cri-ignores-docker-credential-helper", Severity.MEDIUM,
    "containerd's CRI does not run docker-credential-ecr-login; Kubernetes needs the "
    "kubelet credential provider",
    RuleDoc(
        what="The node relies on `docker-credential-ecr-login` (a `credHelpers` entry in "
        "`/root/.docker/config.json`) for pods, on containerd (1.x or 2.x) as the runtime.",
        why="Docker credential helpers are a Docker CLI feature. containerd's CRI plugin "
        "never reads ~/.docker/config.json or runs helpers: image pulls for pods get "
        "credentials from the kubelet (credential provider or imagePullSecrets) only. "
        "Reported for containerd 2.0.4 in awslabs/amazon-ecr-credential-helper#966; "
        "`docker pull` on the node works while pods fail with `no basic auth credentials`.",
        fix="Configure the kubelet credential provider (`ecr-doctor kube provider-config`, "
        "flags in KUB021). Keep the helper for `docker`/`nerdctl` on the node only.",
        example="docker pull works on the node; the pod shows ErrImagePull 401 Unauthorized",
        references=("awslabs/amazon-ecr-credential-helper#966 (closed 2025-05: containerd CRI "
                    "does not call docker-credential-ecr-login)",
                    "awslabs/amazon-eks-ami#2474 (maintainers point to ecr-credential-provider)"),
    ),
)

CONFIG_RULES = tuple(r for r in FAMILY.rules if int(r.id[3:]) < 20)
EXPLAIN_RULES = tuple(r for r in FAMILY.rules if int(r.id[3:]) >= 20)
