"""What the audit checks, in its stages: the registers (`registers/`), the raw platform data before it is stored
(`raw_data/`), who each audience member is (`identity/`), and the policy rules (`rules/`, with what they share in
`rule_support/`).

At the root only what belongs to no one stage: the great-expectations engine both data stages hand their suites to
(`validation`), ages and school years (`ages`), image fingerprints for the approved library and the published
images (`media_hash`), what a rule returns and reads (`findings`), and the week's checks pass (`audit`).
"""
