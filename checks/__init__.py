"""Validation, identity resolution and the policy rules."""
