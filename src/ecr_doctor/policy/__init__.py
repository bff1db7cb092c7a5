"""Generated artefacts for enterprise set-ups: IAM policies, a Rego v1 policy, CI workflows.

Standard library only; every generator is deterministic (same arguments, same bytes), so the
outputs can be kept under golden tests and diffed in review.
"""
