-- Acting on a finding through the platforms (issue 27): every step of every action, append-only, and what the
-- accounts' credentials were found to allow.

CREATE TABLE audit.remediations (
    remediation_id    VARCHAR NOT NULL,
    stage             VARCHAR NOT NULL,
    key               VARCHAR NOT NULL,
    action            VARCHAR NOT NULL,
    platform          VARCHAR NOT NULL,
    account_id        VARCHAR NOT NULL,
    subject_kind      VARCHAR NOT NULL,
    subject_id        VARCHAR NOT NULL,
    targets           VARCHAR,
    call              VARCHAR,
    cost_usd          DOUBLE,
    quota_units       INTEGER,
    reversible        BOOLEAN,
    actor             VARCHAR NOT NULL,
    actor_identity    VARCHAR NOT NULL,
    via               VARCHAR NOT NULL,
    note              VARCHAR,
    outcome           VARCHAR NOT NULL,
    platform_response VARCHAR,
    evidence_as_of    DATE,
    evidence_sha256   VARCHAR,
    as_of             DATE NOT NULL,
    recorded_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (remediation_id, stage),
    CHECK (stage IN ('requested', 'confirmed', 'settled', 'verified'))
);
COMMENT ON TABLE audit.remediations IS 'Append-only record of every action taken on an exception through the platforms or by hand: one row per step of each action (requested before the platform is called, confirmed by a second person where school.toml asks, settled with the platform''s answer, verified by the next weekly run). Rows are never changed.';
COMMENT ON COLUMN audit.remediations.remediation_id IS 'One action: every step of it carries this id.';
COMMENT ON COLUMN audit.remediations.stage IS 'requested (recorded before anything is sent) | confirmed (a second person) | settled (the platform''s answer, or done by hand) | verified (the next weekly run''s judgement).';
COMMENT ON COLUMN audit.remediations.key IS 'The exception acted on (audit.exceptions.key).';
COMMENT ON COLUMN audit.remediations.action IS 'reject-comment | reject-comment-ban-author | make-video-private | set-made-for-kids | delete-post | hide-reply | mute-account | manual.';
COMMENT ON COLUMN audit.remediations.platform IS 'x | youtube.';
COMMENT ON COLUMN audit.remediations.account_id IS 'The official account acted through (X user id or YouTube channel id).';
COMMENT ON COLUMN audit.remediations.subject_kind IS 'The exception''s subject kind (post, video, comment, follower, ...).';
COMMENT ON COLUMN audit.remediations.subject_id IS 'The platform id of the exception''s subject.';
COMMENT ON COLUMN audit.remediations.targets IS 'The platform objects the call acts on (JSON list): a post id, the pupil''s comment ids, a video id, a user id.';
COMMENT ON COLUMN audit.remediations.call IS 'The request as sent to the platform (method, URL, parameters), or the step done by hand.';
COMMENT ON COLUMN audit.remediations.cost_usd IS 'X: what X bills for the request(s), US dollars (the identity check included).';
COMMENT ON COLUMN audit.remediations.quota_units IS 'YouTube: quota units the call(s) spend from the Cloud project''s daily allowance.';
COMMENT ON COLUMN audit.remediations.reversible IS 'Whether the platform lets the action be undone (a deleted post or a rejected comment cannot be).';
COMMENT ON COLUMN audit.remediations.actor IS 'Who took this step, as named (--by, the signed-in person''s name); weekly-run for a verification.';
COMMENT ON COLUMN audit.remediations.actor_identity IS 'The accountable identity: the operating-system user for the CLI (from the process''s real uid), the identity the review app knows; weekly-run.';
COMMENT ON COLUMN audit.remediations.via IS 'cli | review-app | weekly-run.';
COMMENT ON COLUMN audit.remediations.note IS 'Why, as written by the person (for a manual step: what they did).';
COMMENT ON COLUMN audit.remediations.outcome IS 'requested: sending | awaiting-confirmation | by-hand; confirmed: confirmed; settled: accepted | already-done | refused | failed | done-by-hand; verified: took-effect | did-not-take-effect | finding-remains | subject-gone.';
COMMENT ON COLUMN audit.remediations.platform_response IS 'What the platform answered (HTTP status and body, JSON), or why nothing was sent.';
COMMENT ON COLUMN audit.remediations.evidence_as_of IS 'The audited week whose finding (audit.findings) the action was taken on.';
COMMENT ON COLUMN audit.remediations.evidence_sha256 IS 'sha256 of the evidence the action was taken on.';
COMMENT ON COLUMN audit.remediations.as_of IS 'The audited week the step belongs to: the week looked at when acting, the week that verified it.';
COMMENT ON COLUMN audit.remediations.recorded_at IS 'When (UTC) the step was recorded.';

CREATE TABLE audit.action_permissions (
    checked_at  TIMESTAMP NOT NULL,
    platform    VARCHAR NOT NULL,
    account_id  VARCHAR NOT NULL,
    granted     VARCHAR,
    allowed     VARCHAR NOT NULL,
    detail      VARCHAR NOT NULL,
    checked_by  VARCHAR NOT NULL
);
COMMENT ON TABLE audit.action_permissions IS 'What each official account''s credentials were found to allow, each time socialaudit doctor or an action checked (append-only; the latest row per account decides which actions are offered).';
COMMENT ON COLUMN audit.action_permissions.checked_at IS 'When (UTC).';
COMMENT ON COLUMN audit.action_permissions.platform IS 'x | youtube.';
COMMENT ON COLUMN audit.action_permissions.account_id IS 'The official account (X user id or YouTube channel id).';
COMMENT ON COLUMN audit.action_permissions.granted IS 'What the credentials hold: the X access level (read, read-write, read-write-directmessages) or the Google scopes granted; NULL when the platform did not say.';
COMMENT ON COLUMN audit.action_permissions.allowed IS 'The actions they allow (JSON list).';
COMMENT ON COLUMN audit.action_permissions.detail IS 'One line: what was found and what to change.';
COMMENT ON COLUMN audit.action_permissions.checked_by IS 'doctor | remediate (a refusal by the platform).';

COMMENT ON COLUMN audit.exceptions.resolved_reason IS 'Why a resolved exception was resolved: deleted (X says the post no longer exists), gone (its subject is no longer found), remediated (an action taken on it, audit.remediations, was found by the next run to have taken effect), or NULL while not resolved.';

COMMENT ON COLUMN audit.access_log.action IS 'list (a list of exceptions shown), view (one exception and its evidence), decide, decide-refused, proposal (a closing decision on a critical exception awaiting a second person), denied (a page, decision or action refused for the role), access-log (the DPO read this log), sar, erase, sql, export (exceptions list), registers-accept, remediate (an action on a finding requested, confirmed by a second person or answered by the platform: audit.remediations), remediate-refused (an action that could not be taken or recorded).';
