-- The policy rules the audit runs: the purposes data is processed for.
CREATE OR REPLACE VIEW dpo.rules AS
SELECT rule, title, policy, what_counts FROM meta.rules;
COMMENT ON VIEW dpo.rules IS 'The policy rules the latest run applied: each is a purpose for which personal data is processed, with the policy clause it enforces.';
COMMENT ON COLUMN dpo.rules.rule IS 'Rule id, as in exceptions.';
COMMENT ON COLUMN dpo.rules.title IS 'What the rule checks.';
COMMENT ON COLUMN dpo.rules.policy IS 'The school''s own policy clause when school.toml [policy] names one, else the rule''s basis in law and national guidance.';
COMMENT ON COLUMN dpo.rules.what_counts IS 'What counts as an exception.';
