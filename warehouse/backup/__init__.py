"""Backups: a warehouse as an encrypted image, and a warehouse made again from one.

`image` copies every table at one moment into a new encrypted DuckDB file and installs one on restore; `archive`
is the backup file itself (the image and its manifest, encrypted and authenticated as a whole). A restore
re-applies every erasure recorded in the erasure journal (warehouse/privacy/erasure_journal.py). Its other layers:
the backup and restore flows and the Sunday deployment in flows/backup.py and flows/backup_flow.py, the commands in
flows/commands/backup.py and restore.py.
"""
