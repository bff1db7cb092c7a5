"""Kubernetes: the kubelet's `CredentialProviderConfig`, read and matched as the kubelet does.

`match` reproduces the kubelet's `matchImages` matching, `document` the tree a config file is
read into, `hosts` the ECR host families and the config `kube provider-config` prints, and
`check` the KUB rules `kube check` runs. Standard library only (runs in Pyodide).
"""
