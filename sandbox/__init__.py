"""The offline world: a local server speaking the X and YouTube API routes over a dataset directory, with
injectable faults (server.py: `SandboxServer`), and the deterministic sample school with its labels and
scorer (school/). Used by the demo, tests, benchmarks and the evaluation; the pipeline never imports it."""
