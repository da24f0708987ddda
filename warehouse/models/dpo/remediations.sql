-- Every action taken on an exception, one row each: who asked, who confirmed, what the platform answered and what
-- the next weekly run found (audit.remediations holds each step as its own row).
CREATE OR REPLACE VIEW dpo.remediations AS
WITH steps AS (
    SELECT *,
        CASE WHEN actor = actor_identity THEN actor ELSE actor || ' (' || actor_identity || ')' END AS who
    FROM audit.remediations
),
requested AS (SELECT * FROM steps WHERE stage = 'requested'),
confirmed AS (SELECT * FROM steps WHERE stage = 'confirmed'),
settled AS (SELECT * FROM steps WHERE stage = 'settled'),
verified AS (SELECT * FROM steps WHERE stage = 'verified')
SELECT
    r.remediation_id,
    r.key,
    r.action,
    e.rule,
    r.platform,
    r.account_id,
    r.subject_kind,
    r.subject_id,
    r.targets,
    r.call,
    r.cost_usd,
    r.quota_units,
    r.reversible,
    r.who AS requested_by,
    r.via,
    r.recorded_at AS requested_at,
    r.note,
    c.who AS confirmed_by,
    c.recorded_at AS confirmed_at,
    coalesce(s.outcome, CASE WHEN c.remediation_id IS NOT NULL THEN 'sending' ELSE r.outcome END) AS outcome,
    s.platform_response,
    s.recorded_at AS settled_at,
    v.recorded_at AS verified_at,
    v.outcome AS verification,
    v.note AS verification_note,
    v.as_of AS verified_week,
    r.as_of,
    r.evidence_as_of,
    r.evidence_sha256,
    coalesce(f.evidence, CASE WHEN e.evidence_sha256 = r.evidence_sha256 THEN e.evidence END) AS evidence
FROM requested AS r
LEFT JOIN confirmed AS c USING (remediation_id)
LEFT JOIN settled AS s USING (remediation_id)
LEFT JOIN verified AS v USING (remediation_id)
LEFT JOIN audit.exceptions AS e ON e.key = r.key
LEFT JOIN audit.findings AS f ON f.key = r.key AND f.as_of = r.evidence_as_of;
COMMENT ON VIEW dpo.remediations IS 'Every action on an exception through a platform or by hand, and whether the next weekly run found it took effect.';
COMMENT ON COLUMN dpo.remediations.remediation_id IS 'One action: every step of it carries this id.';
COMMENT ON COLUMN dpo.remediations.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN dpo.remediations.action IS '{{ remediation_actions }}.';
COMMENT ON COLUMN dpo.remediations.rule IS 'The policy rule (dpo.rules).';
COMMENT ON COLUMN dpo.remediations.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.remediations.account_id IS 'The official account acted through.';
COMMENT ON COLUMN dpo.remediations.subject_kind IS 'follower, following, subscriber, post, video, comment or account.';
COMMENT ON COLUMN dpo.remediations.subject_id IS 'The platform id of the account or post.';
COMMENT ON COLUMN dpo.remediations.targets IS 'The platform objects the call acts on (JSON list: post, comment, video or user ids).';
COMMENT ON COLUMN dpo.remediations.call IS 'The request as sent (method, URL, parameters), or the step done by hand.';
COMMENT ON COLUMN dpo.remediations.cost_usd IS 'X: what X bills for the request(s), identity check included (US dollars).';
COMMENT ON COLUMN dpo.remediations.quota_units IS 'YouTube: quota units spent of the Cloud project''s daily allowance.';
COMMENT ON COLUMN dpo.remediations.reversible IS 'Whether the platform can undo it (not a deleted post or a rejected comment).';
COMMENT ON COLUMN dpo.remediations.requested_by IS 'Who asked: the name given, with the accountable identity (the CLI''s operating-system user).';
COMMENT ON COLUMN dpo.remediations.via IS 'cli | review-app.';
COMMENT ON COLUMN dpo.remediations.requested_at IS 'When (UTC) recorded, before anything was sent.';
COMMENT ON COLUMN dpo.remediations.note IS 'Why, in the person''s words (a manual step: what they did).';
COMMENT ON COLUMN dpo.remediations.confirmed_by IS 'The second person confirming an irreversible action, where [remediation] second_person asks.';
COMMENT ON COLUMN dpo.remediations.confirmed_at IS 'When (UTC) confirmed.';
COMMENT ON COLUMN dpo.remediations.outcome IS 'accepted | already-done | refused | failed | done-by-hand, or while unsettled awaiting-confirmation | sending.';
COMMENT ON COLUMN dpo.remediations.platform_response IS 'The platform''s answer (HTTP status and body), or why nothing was sent.';
COMMENT ON COLUMN dpo.remediations.settled_at IS 'When (UTC) the answer was recorded.';
COMMENT ON COLUMN dpo.remediations.verified_at IS 'When (UTC) the next weekly run judged it; NULL until then.';
COMMENT ON COLUMN dpo.remediations.verification IS 'took-effect (resolved as remediated) | did-not-take-effect (reopened) | finding-remains (a mitigation) | subject-gone.';
COMMENT ON COLUMN dpo.remediations.verification_note IS 'What the run found.';
COMMENT ON COLUMN dpo.remediations.verified_week IS 'The audited week that verified it.';
COMMENT ON COLUMN dpo.remediations.as_of IS 'The audited week looked at when acting.';
COMMENT ON COLUMN dpo.remediations.evidence_as_of IS 'The week whose finding (audit.findings) was acted on.';
COMMENT ON COLUMN dpo.remediations.evidence_sha256 IS 'sha256 of the evidence acted on.';
COMMENT ON COLUMN dpo.remediations.evidence IS 'The evidence acted on, while the finding or exception holds it ([retention] findings_weeks).';
