"""Data protection: what the school may keep and for how long, who reads what, and a person's rights over what is
held about them.

The promise: every row and every copy about a person is found (`subjects`), exported with other people redacted
(`subject_access`, `redaction`), or erased everywhere it lies, freed storage included (`erasure`,
`storage_rewrite`), and erased again from any restored backup (`erasure_journal`); what the school's `[retention]`
no longer allows is deleted each run (`retention`, `retention_text`); every read, decision, export and query is
logged (`access_log`); identifiers that must be recorded without being kept are keyed hashes (`keyed`).

Its other layers: the erasure's work outside the warehouse (files, outputs, logs) in flows/erasure.py; the
commands in flows/commands/sar.py and erase.py; the export's documents in dashboards/sar_export.py; every file
written beside a warehouse, which erasure and retention sweep, in warehouse/side_files.py.
"""
