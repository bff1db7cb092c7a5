"""A kubelet CredentialProviderConfig that kube check passes: what `ecr-doctor kube
provider-config` writes for the aws partition, as EKS nodeadm orders its matchImages."""

GOOD_PROVIDER_CONFIG = """\
apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr-ecr.*.on.aws"
      - "*.dkr.ecr-fips.*.amazonaws.com"
      - "*.dkr-ecr-fips.*.on.aws"
      - "public.ecr.aws"
      - "ecr-public.aws.com"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
"""
