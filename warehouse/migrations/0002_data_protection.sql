-- Data-protection records: what retention purged, what was erased on request, the retention policy in force.
CREATE TABLE audit.purge_log (
    purge_id     VARCHAR PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    table_name   VARCHAR NOT NULL,
    rule         VARCHAR NOT NULL,
    cutoff       DATE NOT NULL,
    rows_deleted BIGINT NOT NULL,
    purged_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE audit.purge_log IS 'One row per retention rule applied by a run that deleted something: which table, the cutoff date and how many rows (never the rows themselves).';
COMMENT ON COLUMN audit.purge_log.purge_id IS 'Unique id of this purge.';
COMMENT ON COLUMN audit.purge_log.run_id IS 'The weekly run that enforced it (audit.runs.run_id).';
COMMENT ON COLUMN audit.purge_log.as_of IS 'The audited week of that run.';
COMMENT ON COLUMN audit.purge_log.table_name IS 'The warehouse table rows were deleted from.';
COMMENT ON COLUMN audit.purge_log.rule IS 'The [retention] setting applied, e.g. raw_pages_weeks=8.';
COMMENT ON COLUMN audit.purge_log.cutoff IS 'Rows older than this date were deleted.';
COMMENT ON COLUMN audit.purge_log.rows_deleted IS 'How many rows were deleted.';
COMMENT ON COLUMN audit.purge_log.purged_at IS 'When (UTC) the purge was committed with the run.';

CREATE TABLE audit.erasures (
    erasure_id      VARCHAR PRIMARY KEY,
    performed_at    TIMESTAMP NOT NULL,
    performed_by    VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    selector_kind   VARCHAR NOT NULL,
    selector_sha256 VARCHAR NOT NULL,
    counts          JSON NOT NULL
);
COMMENT ON TABLE audit.erasures IS 'Proof that an erasure request was carried out: who, when, why and how many rows per table, without the erased data.';
COMMENT ON COLUMN audit.erasures.erasure_id IS 'Unique id of this erasure.';
COMMENT ON COLUMN audit.erasures.performed_at IS 'When (UTC) the erasure was committed.';
COMMENT ON COLUMN audit.erasures.performed_by IS 'Who ran it (the --by argument, e.g. the DPO''s name).';
COMMENT ON COLUMN audit.erasures.reason IS 'The request it answers (the --reason argument, e.g. a case reference).';
COMMENT ON COLUMN audit.erasures.selector_kind IS 'How the person was named: handle, platform-id or person.';
COMMENT ON COLUMN audit.erasures.selector_sha256 IS 'sha256 of the normalised selector value, so a repeat request can be matched without keeping the value.';
COMMENT ON COLUMN audit.erasures.counts IS 'Rows deleted or rewritten per table, as a JSON object.';

CREATE TABLE meta.retention_policy (
    table_name VARCHAR NOT NULL,
    rule       VARCHAR NOT NULL,
    keep_for   VARCHAR NOT NULL,
    what       VARCHAR NOT NULL,
    cutoff     DATE NOT NULL,
    as_of      DATE NOT NULL,
    PRIMARY KEY (table_name, rule)
);
COMMENT ON TABLE meta.retention_policy IS 'The retention policy in force at the latest run ([retention] in school.toml with its defaults), one row per rule.';
COMMENT ON COLUMN meta.retention_policy.table_name IS 'The warehouse table the rule applies to.';
COMMENT ON COLUMN meta.retention_policy.rule IS 'The [retention] setting name.';
COMMENT ON COLUMN meta.retention_policy.keep_for IS 'How long the data is kept, in words.';
COMMENT ON COLUMN meta.retention_policy.what IS 'Which rows the rule removes once they are older than the cutoff.';
COMMENT ON COLUMN meta.retention_policy.cutoff IS 'The cutoff date computed at the latest run.';
COMMENT ON COLUMN meta.retention_policy.as_of IS 'The audited week of the latest run.';

-- Column descriptions for the tables holding personal data (the data dictionary is generated from these).
COMMENT ON COLUMN ref.register_loads.load_id IS 'Id of one loaded version of the registers.';
COMMENT ON COLUMN ref.register_loads.loaded_at IS 'When (UTC) that version was loaded.';
COMMENT ON COLUMN ref.register_loads.as_of IS 'The audited week of the run that loaded it.';
COMMENT ON COLUMN ref.register_loads.files IS 'sha256 of each register file in that version (JSON).';
COMMENT ON COLUMN ref.pupils.load_id IS 'The register version (ref.register_loads).';
COMMENT ON COLUMN ref.pupils.pupil_id IS 'The school''s pupil id.';
COMMENT ON COLUMN ref.pupils.forename IS 'Legal forename.';
COMMENT ON COLUMN ref.pupils.surname IS 'Surname.';
COMMENT ON COLUMN ref.pupils.preferred_name IS 'Name the pupil goes by, if different.';
COMMENT ON COLUMN ref.pupils.date_of_birth IS 'Date of birth: rules out accounts older than the child could hold and tells former pupils under 18.';
COMMENT ON COLUMN ref.pupils.year_group IS 'R, 1..13 (for a leaver, the year at leaving).';
COMMENT ON COLUMN ref.pupils.status IS 'current or left.';
COMMENT ON COLUMN ref.pupils.leaving_date IS 'Date the pupil left, if they have.';
COMMENT ON COLUMN ref.pupils.photo_consent IS 'granted, refused or withdrawn: photos of a pupil without consent are a consent-breach.';
COMMENT ON COLUMN ref.pupils.known_handles IS 'Social media handles the school knows the pupil uses (platform, handle).';
COMMENT ON COLUMN ref.staff.load_id IS 'The register version (ref.register_loads).';
COMMENT ON COLUMN ref.staff.staff_id IS 'The school''s staff id.';
COMMENT ON COLUMN ref.staff.forename IS 'Forename.';
COMMENT ON COLUMN ref.staff.surname IS 'Surname.';
COMMENT ON COLUMN ref.staff.preferred_name IS 'Name the member of staff goes by, if different.';
COMMENT ON COLUMN ref.staff.role IS 'Job title or role.';
COMMENT ON COLUMN ref.staff.personal_handles IS 'Personal social media accounts (must not follow the official accounts).';
COMMENT ON COLUMN ref.staff.official_handles IS 'Approved official accounts the person runs.';
COMMENT ON COLUMN ref.parents.load_id IS 'The register version (ref.register_loads).';
COMMENT ON COLUMN ref.parents.parent_id IS 'The school''s parent/carer id.';
COMMENT ON COLUMN ref.parents.forename IS 'Forename.';
COMMENT ON COLUMN ref.parents.surname IS 'Surname.';
COMMENT ON COLUMN ref.parents.pupil_ids IS 'Their children''s pupil ids.';
COMMENT ON COLUMN ref.parents.known_handles IS 'Social media handles the school knows the parent uses.';
COMMENT ON COLUMN ref.approved_media.load_id IS 'The register version (ref.register_loads).';
COMMENT ON COLUMN ref.approved_media.approval_id IS 'Id of the approval.';
COMMENT ON COLUMN ref.approved_media.file IS 'Approved image in registers/approved_media/ (matched by perceptual hash).';
COMMENT ON COLUMN ref.approved_media.platform IS 'x, youtube or any: where the approval applies.';
COMMENT ON COLUMN ref.approved_media.post_id IS 'X post id or YouTube video id approved after posting.';
COMMENT ON COLUMN ref.approved_media.approved_by IS 'Who approved it.';
COMMENT ON COLUMN ref.approved_media.approved_on IS 'When.';
COMMENT ON COLUMN ref.approved_media.pupils_pictured IS 'Pupil ids of the children in the image.';
COMMENT ON COLUMN ref.approved_media.file_sha256 IS 'sha256 of the approved file (links to ref.approved_media_hashes).';
COMMENT ON COLUMN raw.snapshots.snapshot_id IS 'Id of one fetch of one stream.';
COMMENT ON COLUMN raw.snapshots.platform IS 'x or youtube.';
COMMENT ON COLUMN raw.snapshots.account_id IS 'The official account fetched.';
COMMENT ON COLUMN raw.snapshots.stream IS 'account, followers, following, posts, channel, uploads, videos, subscribers or comments.';
COMMENT ON COLUMN raw.snapshots.as_of IS 'The audited week.';
COMMENT ON COLUMN raw.snapshots.run_id IS 'The run that fetched it.';
COMMENT ON COLUMN raw.snapshots.fetched_at IS 'When (UTC) the fetch finished.';
COMMENT ON COLUMN raw.snapshots.n_pages IS 'Pages fetched.';
COMMENT ON COLUMN raw.snapshots.n_items IS 'Objects (users, posts, ...) in those pages.';
COMMENT ON COLUMN raw.snapshots.content_sha256 IS 'Hash of the objects, to store an unchanged list only once a week.';
COMMENT ON COLUMN raw.snapshots.complete IS 'True when every page was fetched.';
COMMENT ON COLUMN raw.api_pages.snapshot_id IS 'The fetch (raw.snapshots).';
COMMENT ON COLUMN raw.api_pages.page_no IS 'Page number within the fetch.';
COMMENT ON COLUMN raw.api_pages.request IS 'The request parameters (never credentials).';
COMMENT ON COLUMN raw.api_pages.payload IS 'The response body as received: public profiles of followers/subscribers, posts, comments.';
COMMENT ON COLUMN raw.api_pages.fetched_at IS 'When (UTC) the page arrived.';
COMMENT ON COLUMN audit.identities.as_of IS 'The audited week.';
COMMENT ON COLUMN audit.identities.platform IS 'x or youtube.';
COMMENT ON COLUMN audit.identities.account_id IS 'The official account they are connected to.';
COMMENT ON COLUMN audit.identities.relation IS 'follower, following, subscriber or commenter.';
COMMENT ON COLUMN audit.identities.subject_id IS 'The platform id of the account.';
COMMENT ON COLUMN audit.identities.person_kind IS 'pupil, former_pupil, staff, parent or unknown.';
COMMENT ON COLUMN audit.identities.person_id IS 'The register id matched, if any.';
COMMENT ON COLUMN audit.identities.confidence IS 'Match confidence, 0..1.';
COMMENT ON COLUMN audit.identities.evidence IS 'The signals that agreed (declared handle, name, age cues, ...).';
COMMENT ON COLUMN audit.exceptions.key IS 'Stable key: rule:platform:account:subject_kind:subject_id.';
COMMENT ON COLUMN audit.exceptions.person_kind IS 'The register kind of the person concerned, if any.';
COMMENT ON COLUMN audit.exceptions.person_id IS 'The register id of the person concerned, if any.';
COMMENT ON COLUMN audit.exceptions.evidence IS 'Why the rule raised it.';
COMMENT ON COLUMN audit.exceptions.status IS 'new, open, acknowledged, accepted, false_positive, reopened or resolved.';
COMMENT ON COLUMN audit.exceptions.first_seen IS 'First audited week it was found.';
COMMENT ON COLUMN audit.exceptions.last_seen IS 'Latest audited week it was found.';
COMMENT ON COLUMN audit.exceptions.resolved_on IS 'Week it stopped being found (resolved exceptions go by [retention]).';
COMMENT ON COLUMN audit.findings.person_id IS 'The register id of the person concerned, if any.';
COMMENT ON COLUMN audit.findings.evidence IS 'Why the rule found it that week.';
