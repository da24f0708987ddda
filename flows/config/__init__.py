"""The school's and the trust's configuration, read strictly: school.toml (`school`, its account entries in
`accounts`, its optional tables in `tables`, `[policy]` in `policy`, `[reviews]`/`[review_app]` in `review`,
`[remediation]` in `remediation`) and trust.toml (`trust`). `strict` finds every key's line and refuses what is
unknown with the nearest known name; every problem in a file is reported at once.
"""
