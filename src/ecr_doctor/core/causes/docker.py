"""The causes in the Docker client and its credential helpers: what each means, why Docker
ends there, and the check for it.
"""

from __future__ import annotations

from ecr_doctor.core.causes import Cause, make_cause

_cause = make_cause


DOCKER_CAUSES: tuple[Cause, ...] = (
    _cause(
        "no-helper-for-host",
        "No credential helper or login is configured for this exact registry host",
        "docker/cli looks up credHelpers by the exact registry key, then credsStore, then "
        "auths (docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore, "
        "GetAuthConfig). With nothing for the host the request is anonymous and ECR's Basic "
        "challenge fails (distribution · registry/client/auth/session.go · "
        "basicHandler.AuthorizeRequest).",
        "Look for the image's registry host, exactly as written, under credHelpers or auths "
        "in $DOCKER_CONFIG/config.json (default ~/.docker/config.json); `ecr-doctor diagnose` "
        "does this.",
        ("CFG002",),
    ),
    _cause(
        "ecr-helper-failed",
        "The ECR credential helper ran but failed, and reported it as 'not found'",
        "docker-credential-ecr-login turns every failure (no AWS credentials, expired SSO, "
        "network, AccessDenied, unsupported host) into 'credentials not found in native "
        "keychain' (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get); "
        "Docker then sends an anonymous request (docker/cli · "
        "cli/config/credentials/native_store.go · getCredentialsFromStore).",
        "Run `echo <host> | docker-credential-ecr-login get >/dev/null; echo exit=$?` as the "
        "same user, then `tail -n 50 ~/.ecr/log/ecr-login.log` (or $AWS_ECR_CACHE_DIR/log).",
        ("ENV009",),
    ),
    _cause(
        "no-aws-credentials",
        "The ECR helper finds no AWS credentials in the environment Docker runs it in",
        "The helper uses the AWS SDK default chain (environment, ~/.aws files, SSO, web "
        "identity, container and instance roles) of the process that runs docker "
        "(awslabs/amazon-ecr-credential-helper · ecr-login/api/factory.go · "
        "NewClientFromRegion); sudo, systemd units, IDEs and CI often see none (issues #207, "
        "#418).",
        "`aws sts get-caller-identity` in the same environment (same user, same AWS_PROFILE) "
        "that runs docker.",
        ("ENV007",),
    ),
    _cause(
        "sso-expired",
        "The AWS SSO (IAM Identity Center) session has expired",
        "An expired SSO session makes credential resolution fail; the ECR helper hides that "
        "as 'not found' and the AWS CLI reports it as an SSO token error "
        "(awslabs/amazon-ecr-credential-helper#229, #1027).",
        "`aws sso login --profile <profile>`, then `aws sts get-caller-identity --profile "
        "<profile>`.",
        ("ENV008", "ENV011"),
    ),
    _cause(
        "expired-aws-session",
        "Temporary AWS session credentials have expired",
        "STS session credentials (AWS_SESSION_TOKEN, an assumed role, a copied console "
        "session) have a fixed lifetime; after it every ECR call fails with ExpiredToken, and "
        "the ECR helper turns that into 'not found' (ecr-login/ecr.go · ECRHelper.Get).",
        "`aws sts get-caller-identity`; refresh or unset stale AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the shell that runs docker.",
        own="ERR001",
    ),
    _cause(
        "stale-static-token",
        "A static ECR token from `docker login` in auths is older than 12 hours",
        "`docker login` stores the ECR token in auths and nothing refreshes it; ECR tokens "
        "are valid for 12 hours (AWS ECR API · AuthorizationData), after which ECR answers "
        "403 'Your authorization token has expired' (aws/aws-cli#6580; "
        "CircleCI-Public/aws-ecr-orb#265).",
        "`ecr-doctor diagnose` shows the token's age; replace the auths entry with credHelpers "
        "→ ecr-login, or run get-login-password | docker login again.",
        ("CFG001", "CFG010"),
    ),
    _cause(
        "expired-cached-token",
        "The ECR helper fell back to an expired cached token",
        "When GetAuthorizationToken fails, ecr-login returns its cached token even if it has "
        "expired (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get; "
        "ecr-login/cache; issue #679), so 'token has expired' appears with the helper "
        "configured.",
        "`grep 'Falling back to cached token' ~/.ecr/log/ecr-login.log`; ExpiresAt in "
        "~/.ecr/cache.json; fix the underlying AWS credential or network failure.",
        ("ENV008",),
    ),
    _cause(
        "long-job-frozen-token",
        "A token fetched once was reused beyond 12 hours (long CI job, swarm service spec)",
        "A token obtained at job start or frozen into a swarm service spec outlives its 12-hour "
        "validity (moby/moby#31063; CircleCI-Public/aws-ecr-orb#265).",
        "Compare when the token was fetched with when the failing pull ran; log in right "
        "before the push/pull, or use the ecr-login helper.",
        own="ERR002",
    ),
    _cause(
        "helper-key-mismatch",
        "A credHelpers key has a scheme, port or path, so it never matches",
        "credHelpers keys are compared with the bare host[:port] Docker derives from the image "
        "reference (docker/cli · cli/config/configfile/file.go · getConfiguredCredentialStore); "
        "'https://…', ':443' or '/repo' keys are dead and an old auths entry or nothing is used "
        "instead (awslabs/amazon-ecr-credential-helper#573).",
        "Each credHelpers key must be exactly <account>.dkr.ecr.<region>.amazonaws.com, with "
        "no scheme, port or path - and no unexpanded ${VARIABLE} or <placeholder>.",
        ("CFG003", "CFG013"),
    ),
    _cause(
        "helper-value-invalid",
        "A credHelpers value is not a helper suffix (e.g. 'docker-credential-ecr-login')",
        "Docker runs 'docker-credential-' + the value (docker/docker-credential-helpers · "
        "client/command.go · NewShellProgramFunc; docker/cli · "
        "cli/config/credentials/native_store.go), so 'docker-credential-ecr-login' or "
        "'ecr_login' names a program that does not exist.",
        "The value must be `ecr-login`; `command -v docker-credential-<value>` must print a path.",
        ("CFG004",),
    ),
    _cause(
        "misspelt-key",
        "A misspelt top-level key (credStore, credHelper) is silently ignored",
        "Docker's ConfigFile struct only reads credsStore and credHelpers (docker/cli · "
        "cli/config/configfile/file.go · ConfigFile); the credStore spelling is a common "
        "folk 'fix' that disables the store (docker/for-mac#7445).",
        "`grep -nE '\"cred(Store|Helper)\"' ~/.docker/config.json`",
        ("CFG006",),
    ),
    _cause(
        "duplicate-config-keys",
        "Duplicate keys in config.json: Docker uses the last one, not the one you read",
        "Go's encoding/json keeps the last of duplicate object keys, so an earlier credHelpers "
        "or auths block is silently replaced (docker/cli · cli/config/configfile/file.go · "
        "LoadFromReader).",
        "`ecr-doctor diagnose` lists duplicate keys with their lines.",
        ("CFG008",),
    ),
    _cause(
        "credsstore-lost-placeholders",
        "Empty auths placeholders left behind by a credential store that is gone",
        "With a credential store, `docker login` keeps only an empty {} entry in auths "
        "(docker/cli · cli/command/registry/login.go · storeCredentials); if the store is later "
        "removed or renamed those entries hold no credentials and requests go anonymous.",
        "auths entries that are {} with no credsStore/credHelpers entry for the same host.",
        ("CFG007",),
    ),
    _cause(
        "helper-not-on-path",
        "The credential helper named in config.json is not on the PATH Docker sees",
        "Docker execs docker-credential-<name> from the calling process's PATH "
        "(docker/docker-credential-helpers · client/client.go · Get); sudo, systemd units, IDEs "
        "and CI often have another PATH, and on Docker ≤ 28 `docker pull` ignores the error "
        "and goes anonymous (docker/cli · cli/command/registry.go · ResolveAuthConfig).",
        "`command -v docker-credential-<name>` as the user, and with the PATH, that runs docker.",
        ("ENV001",),
    ),
    _cause(
        "desktop-store-leftover",
        "credsStore 'desktop' / 'desktop.exe' left from Docker Desktop or broken WSL interop",
        'credsStore "desktop" ("desktop.exe" under WSL) stays in config.json after Docker '
        "Desktop is removed or WSL integration/interop is off, so every login and pull calls a "
        "helper that is gone (docker/for-win#12091, microsoft/WSL#4752, "
        "docker/docker-credential-helpers#149).",
        "`grep -n credsStore ~/.docker/config.json`; `command -v docker-credential-desktop "
        "docker-credential-desktop.exe`; remove credsStore or re-enable WSL integration.",
        ("ENV001",),
    ),
    _cause(
        "other-user-context",
        "Docker runs as another user or service with a different HOME, PATH and AWS setup",
        "`sudo docker …`, systemd units and CI services read the config.json of their own HOME "
        "(docker/cli · cli/config/config.go · Dir) and give the helper their own environment "
        "(awslabs/amazon-ecr-credential-helper#418).",
        "`sudo -H sh -c 'echo HOME=$HOME; command -v docker-credential-ecr-login; aws sts "
        "get-caller-identity'`, or use the docker group instead of sudo.",
        own="ERR003",
    ),
    _cause(
        "helper-too-old",
        "The installed ECR helper is too old to recognise this registry host",
        "Each helper release matches hosts with its own regex; dual-stack (dkr-ecr…on.aws), "
        "EU sovereign (amazonaws.eu) and ISO hosts need ≥ 0.10/0.11, and an unmatched host is "
        "answered with 'not found' (awslabs/amazon-ecr-credential-helper · "
        "ecr-login/api/client.go · ecrPattern, ExtractRegistry).",
        "`docker-credential-ecr-login -v` and compare with the host form.",
        ("ENV002",),
    ),
    _cause(
        "fips-endpoint-not-used",
        "A FIPS registry host without AWS_USE_FIPS_ENDPOINT: the helper calls the non-FIPS API",
        "For dkr.ecr-fips hosts the helper still calls api.ecr.<region> unless "
        "AWS_USE_FIPS_ENDPOINT=true (awslabs/amazon-ecr-credential-helper · "
        "ecr-login/api/factory.go · NewClientWithFipsEndpoint); where only FIPS endpoints are "
        "reachable that call fails.",
        '`echo $AWS_USE_FIPS_ENDPOINT` where docker runs; the `Post "https://…"` URL in '
        "~/.ecr/log/ecr-login.log.",
        ("ENV003",),
    ),
    _cause(
        "network-to-ecr-api",
        "The ECR API endpoint (api.ecr.<region>) is unreachable: DNS, proxy or VPC endpoint",
        "The helper and the AWS CLI call api.ecr.<region>.amazonaws.com (api.ecr-public."
        "us-east-1 for ECR Public); DNS, proxy, firewall or a missing ecr.api VPC endpoint "
        "breaks that, and the helper hides it as 'not found' (ecr-login/ecr.go · "
        "ECRHelper.Get; awslabs/amazon-ecr-credential-helper#327).",
        "`nslookup api.ecr.<region>.amazonaws.com`; `curl -sS -o /dev/null -w '%{http_code}\\n' "
        "https://api.ecr.<region>.amazonaws.com/`; HTTPS_PROXY / NO_PROXY.",
        own="ERR004",
    ),
    _cause(
        "docker-auth-config-env",
        "DOCKER_AUTH_CONFIG is set and overrides config.json",
        "Since docker/cli PR #6008 (CLI ≥ 28.3) DOCKER_AUTH_CONFIG is a credential store that "
        "takes precedence over config.json and its helpers (docker/cli · "
        "cli/config/configfile/file.go · parseEnvConfig), so a frozen token in it wins.",
        '`[ -n "$DOCKER_AUTH_CONFIG" ] && echo set` (do not print it); unset or refresh it.',
        ("ENV004",),
    ),
    _cause(
        "config-unparseable",
        "config.json cannot be parsed, so Docker ignores all of it",
        "On a parse error (bad JSON, a UTF-8 BOM, an auth value that is not base64 "
        "user:password) Docker warns and carries on with an empty config: no helper, no "
        "credential (docker/cli · cli/config/config.go · LoadDefaultConfigFile; "
        "configfile/file.go · LoadFromReader).",
        "`python3 -m json.tool ~/.docker/config.json >/dev/null`; `head -c3 "
        "~/.docker/config.json | od -c` for a BOM; back the file up before docker rewrites it.",
        ("CFG009", "CFG012"),
    ),
    _cause(
        "docker-config-is-file",
        "DOCKER_CONFIG points at a file instead of a directory",
        "DOCKER_CONFIG names the directory that holds config.json (docker/cli · "
        "cli/config/config.go · Dir, load); pointing it at the file makes Docker read "
        "<file>/config.json, fail with 'not a directory' and use no config.",
        "`echo $DOCKER_CONFIG`: it must be a directory containing config.json.",
        ("ENV006",),
    ),
    _cause(
        "ecr-helper-cannot-store",
        "`docker login` to a host whose credential helper is ecr-login",
        "docker login hands the password to the host's helper, and ecr-login's store answers "
        "'not implemented' unless AWS_ECR_IGNORE_CREDS_STORAGE=true on helper ≥ 0.9.0 "
        "(awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Add, "
        "shouldIgnoreCredsStorage; issue #102).",
        "Skip `docker login` for hosts mapped to ecr-login (the helper fetches tokens itself), "
        "or `export AWS_ECR_IGNORE_CREDS_STORAGE=true` with helper ≥ 0.9.0.",
        ("CFG005",),
    ),
    _cause(
        "global-ecr-credsstore",
        "A global credsStore 'ecr-login' captures every registry, Docker Hub included",
        "credsStore applies to every host without a credHelpers entry (docker/cli · "
        "cli/config/configfile/file.go · getConfiguredCredentialStore), so logins to Docker "
        "Hub or other registries reach the ECR helper, which cannot store them "
        "(awslabs/amazon-ecr-credential-helper#474).",
        "Replace credsStore with credHelpers entries for the ECR hosts (`ecr-doctor fix`).",
        ("CFG005",),
    ),
    _cause(
        "ignore-creds-storage-ineffective",
        "AWS_ECR_IGNORE_CREDS_STORAGE is not honoured (old helper or not passed through)",
        "The variable works only on helper ≥ 0.9.0, only as the exact string 'true', and only "
        "if it reaches the helper's process, which Docker Desktop on Windows may not do "
        "(ecr-login/ecr.go · shouldIgnoreCredsStorage; awslabs/amazon-ecr-credential-helper#922).",
        "`docker-credential-ecr-login -v` (≥ 0.9.0) and `echo $AWS_ECR_IGNORE_CREDS_STORAGE` in "
        "the shell that runs docker login.",
        ("ENV002", "ENV012"),
    ),
    _cause(
        "iam-missing-action",
        "The IAM identity policy does not allow the ECR action",
        'Pulls need ecr:GetAuthorizationToken (on "*"), ecr:BatchGetImage and '
        "ecr:GetDownloadUrlForLayer; pushes also the layer-upload actions and ecr:PutImage "
        "(AWS ECR user guide · image-push-iam; aws-actions/amazon-ecr-login README).",
        "The principal ARN and action in the message; `aws iam simulate-principal-policy "
        "--policy-source-arn <principal-arn> --action-names <action>`.",
        own="ERR005",
    ),
    _cause(
        "cross-account-repo-policy",
        "Cross-account: the repository policy in the owner account does not grant access",
        "'because no resource-based policy allows' means the repository belongs to another "
        "account; its repository policy and your identity policy must both allow the action "
        "(AWS ECR user guide · repository-policies).",
        "`aws ecr get-repository-policy --registry-id <owner-account> --repository-name "
        "<repo>` run in the owner account.",
        ("ECS015",),
        own="ERR006",
    ),
    _cause(
        "explicit-deny",
        "An explicit Deny, SCP or permissions boundary blocks the action",
        "An explicit Deny in an identity or repository policy, an Organizations SCP or a "
        "permissions boundary overrides any Allow (AWS IAM user guide · policy evaluation "
        "logic).",
        "The 'with an explicit deny in …' / 'because no … allows' clause names the policy type; "
        "review that policy.",
        own="ERR007",
    ),
    _cause(
        "wrong-aws-identity",
        "The AWS SDK picked up a different identity than intended",
        "The SDK uses the first credentials in its chain: environment keys beat AWS_PROFILE, "
        "and a pod or instance role may belong to another account "
        "(aws-actions/amazon-ecr-login#951).",
        "`aws sts get-caller-identity` in the same environment; compare its account with the "
        "registry host.",
        own="ERR008",
    ),
    _cause(
        "wrong-account-or-region-token",
        "The token is for another region or account than the registry",
        "ECR tokens are issued per region; a token from get-login-password --region A used on "
        "a registry in region B (or another account) is rejected, at login as '400 Bad "
        "Request' (aws/aws-cli#5317).",
        "`aws ecr get-login-password --region <region-in-host> | docker login --username AWS "
        "--password-stdin <host>`; ECR Public (public.ecr.aws) needs us-east-1.",
        own="ERR009",
    ),
    _cause(
        "repo-does-not-exist",
        "The ECR repository does not exist (or the name is wrong)",
        "ECR does not create repositories on push; a missing repository, another "
        "account/region, or the repository URI used as the name all give 'name unknown' / "
        "RepositoryNotFoundException.",
        "`aws ecr describe-repositories --repository-names <name> --region <region>`",
        own="ERR010",
        sources=("Amazon ECR User Guide · Creating a private repository (ECR does not create "
                 "repositories on push)",
                 "Amazon ECR API Reference · RepositoryNotFoundException"),
    ),
    _cause(
        "wrong-image-name-or-tag",
        "The repository exists but this tag or digest does not",
        "The registry answers MANIFEST_UNKNOWN for a missing tag or digest (distribution · "
        "registry/api/v2/errors.go · ErrorCodeManifestUnknown); the image may have been pushed "
        "to another repository, region or account.",
        "`aws ecr describe-images --repository-name <name> --image-ids imageTag=<tag> "
        "--region <region>`",
        ("ECS014",),
        own="ERR011",
    ),
    _cause(
        "not-an-ecr-reference",
        "The image name has no ECR host, so Docker talks to Docker Hub",
        "A reference without a registry host means docker.io, so `docker push app:tag` or a "
        "typo in the host goes to Docker Hub, which denies it (moby · distribution/errors.go · "
        "notFoundError; distribution · registry/api/errcode/register.go · ErrorCodeDenied).",
        "The image reference must start with <account>.dkr.ecr.<region>.amazonaws.com/; "
        "`docker tag` it and retry.",
        own="ERR012",
    ),
    _cause(
        "aws-cli-v1-get-login",
        "Output of AWS CLI v1 `aws ecr get-login` with '-e none' was run",
        "`aws ecr get-login` prints `docker login -u AWS -p … -e none …` unless "
        "--no-include-email, and Docker ≥ 17.06 has no -e flag (aws/aws-cli · "
        "awscli/customizations/ecr.py · ECRLogin._run_main; aws/aws-cli#3374).",
        "Use `aws ecr get-login-password --region <region> | docker login --username AWS "
        "--password-stdin <host>`, or credHelpers → ecr-login.",
        own="ERR013",
    ),
    _cause(
        "aws-cli-v2-no-get-login",
        "AWS CLI v2 has no `aws ecr get-login`",
        "AWS CLI v2 removed get-login; only get-login-password remains, so v1 scripts stop "
        "working (AWS CLI v2 migration guide; aws/aws-cli#4962).",
        "`aws --version`; replace with `aws ecr get-login-password --region <region> | docker "
        "login --username AWS --password-stdin <host>`.",
        own="ERR014",
    ),
    _cause(
        "helper-crashed",
        "The credential helper crashed or exited with an unexpected status",
        "Docker reports a helper's exit status when it did not print the 'not found' sentinel "
        "(docker/docker-credential-helpers · client/client.go · Get); ecr-login 0.6.0 panics, "
        "exit 2, when the AWS config cannot be loaded, e.g. a malformed ~/.aws/config "
        "(ecr-login/api/factory.go · NewClientFromRegion).",
        "`echo <host> | docker-credential-ecr-login get >/dev/null; echo exit=$?` and "
        "`aws configure list`.",
        own="ERR015",
    ),
    _cause(
        "helper-non-json-output",
        "The credential helper printed something that is not JSON",
        "Docker and containers/image parse the helper's stdout as JSON (docker/"
        "docker-credential-helpers · client/client.go · Get); a wrapper script's echo, a banner "
        "or the wrong binary gives 'invalid character … looking for beginning of value'.",
        "`echo <host> | docker-credential-<name> get | head -c1; echo` must print `{` and "
        "nothing else may go to stdout.",
        own="ERR016",
    ),
    _cause(
        "static-token-written",
        "docker login wrote the credential into config.json in plain base64",
        "Without a helper for the host docker login stores base64(user:password) in auths "
        "(docker/cli · cli/config/credentials/file_store.go · unencryptedWarning): a secret at "
        "rest that, for ECR, also expires in 12 hours.",
        "`ecr-doctor diagnose`; use credHelpers → ecr-login for ECR hosts; `chmod 600 "
        "~/.docker/config.json`.",
        ("CFG001", "CFG011", "ENV005"),
    ),
    _cause(
        "keychain-no-entry",
        "The keychain-style helper simply has no entry for this host",
        "For desktop, osxkeychain, wincred, pass or secretservice, 'credentials not found in "
        "native keychain' means nothing is stored for the host, and Docker goes anonymous "
        "(docker/docker-credential-helpers · credentials/error.go; docker/cli · "
        "native_store.go · getCredentialsFromStore).",
        "`docker-credential-<name> list` shows the stored hosts; map the ECR host to "
        "ecr-login in credHelpers.",
        own="ERR017",
    ),
)
