"""Test builders: functions that make datasets, registers and files for tests (never fixtures)."""
