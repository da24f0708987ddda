-- Every platform account seen in the official accounts' audience, with who the audit resolved it to be.
CREATE OR REPLACE VIEW dpo.platform_accounts AS
WITH handles AS (
    SELECT platform, subject_id, arg_max(coalesce(handle, display_name), as_of) AS latest_label
    FROM marts.fct_audience
    GROUP BY platform, subject_id
)
SELECT
    i.platform,
    i.subject_id,
    h.latest_label,
    string_agg(DISTINCT i.relation, ', ' ORDER BY i.relation) AS relations,
    arg_max(i.person_kind, i.as_of) AS person_kind,
    arg_max(i.person_id, i.as_of) AS person_id,
    arg_max(i.confidence, i.as_of) AS confidence,
    min(i.as_of) AS first_seen,
    max(i.as_of) AS last_seen,
    count(DISTINCT i.as_of) AS weeks_held
FROM audit.identities AS i
LEFT JOIN handles AS h USING (platform, subject_id)
GROUP BY i.platform, i.subject_id, h.latest_label;
COMMENT ON VIEW dpo.platform_accounts IS 'Every follower, followed account, visible subscriber and commenter of the official accounts whose identity resolution is still held, with who the audit decided they are. Purpose: the follower rules.';
COMMENT ON COLUMN dpo.platform_accounts.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.platform_accounts.subject_id IS 'The account''s platform id (X user id, YouTube channel id, a Facebook comment''s author id, an Instagram commenter''s id).';
COMMENT ON COLUMN dpo.platform_accounts.latest_label IS 'The account''s handle or display name in the latest week held.';
COMMENT ON COLUMN dpo.platform_accounts.relations IS 'How the account is connected: follower, following, subscriber, commenter.';
COMMENT ON COLUMN dpo.platform_accounts.person_kind IS 'Who the latest resolution says it is: pupil, former_pupil, staff, parent or unknown.';
COMMENT ON COLUMN dpo.platform_accounts.person_id IS 'The register id it was matched to, if any.';
COMMENT ON COLUMN dpo.platform_accounts.confidence IS 'Confidence of the latest resolution, 0..1.';
COMMENT ON COLUMN dpo.platform_accounts.first_seen IS 'First audited week held for it.';
COMMENT ON COLUMN dpo.platform_accounts.last_seen IS 'Latest audited week the account was seen.';
COMMENT ON COLUMN dpo.platform_accounts.weeks_held IS 'Audited weeks held for it (unmatched accounts go by [retention] unmatched_profiles_weeks).';
