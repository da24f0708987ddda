-- Data protection a DPO can sign off: a secret of this warehouse for keyed hashes (erasure and access records,
-- opaque references in Prefect), the subject access requests answered, and where the outputs were published
-- (an erasure publishes them again).

CREATE TABLE meta.warehouse_secret (
    secret     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE meta.warehouse_secret IS 'One random secret of this warehouse, made at its first write: the key of every keyed hash it records (erasure and access selectors) and of the opaque references Prefect shows. Never shown in a dpo view.';
COMMENT ON COLUMN meta.warehouse_secret.secret IS '32 random bytes, hex.';
COMMENT ON COLUMN meta.warehouse_secret.created_at IS 'When (UTC) it was made.';

-- An unsalted sha256 of a handle lets anyone confirm a guessed handle was erased: withdrawn, and from now on
-- the column holds a keyed hash (HMAC-SHA256 with the warehouse's secret).
UPDATE audit.erasures SET selector_sha256 = 'withdrawn: unsalted';
COMMENT ON COLUMN audit.erasures.selector_sha256 IS 'HMAC-SHA256 of the normalised selector keyed with the warehouse''s secret (meta.warehouse_secret), so a repeat request can be matched without keeping the value and a guessed handle cannot be confirmed; "withdrawn: unsalted" for erasures recorded before migration 9.';
COMMENT ON COLUMN audit.erasures.counts IS 'Every place the erasure cleaned, with counts: rows deleted or rewritten per table, text redacted, the warehouse file rewritten, the read-only copy and the outputs published again, run logs; and the copies the product cannot reach (JSON).';

CREATE TABLE audit.subject_access_requests (
    request_id      VARCHAR PRIMARY KEY,
    performed_at    TIMESTAMP NOT NULL,
    performed_by    VARCHAR NOT NULL,
    reason          VARCHAR,
    selector_kind   VARCHAR NOT NULL,
    selector_hmac   VARCHAR NOT NULL,
    export_folder   VARCHAR NOT NULL,
    counts          JSON NOT NULL
);
COMMENT ON TABLE audit.subject_access_requests IS 'Every subject access export made with socialaudit sar: who, when, why, where it was written and how many records per section, never the data.';
COMMENT ON COLUMN audit.subject_access_requests.request_id IS 'Unique id of the request.';
COMMENT ON COLUMN audit.subject_access_requests.performed_at IS 'When (UTC) the export was written.';
COMMENT ON COLUMN audit.subject_access_requests.performed_by IS 'Who ran it (--by, else the operating-system user).';
COMMENT ON COLUMN audit.subject_access_requests.reason IS 'The request or case reference (--reason).';
COMMENT ON COLUMN audit.subject_access_requests.selector_kind IS 'handle, platform-id or person.';
COMMENT ON COLUMN audit.subject_access_requests.selector_hmac IS 'HMAC-SHA256 of the normalised selector keyed with the warehouse''s secret.';
COMMENT ON COLUMN audit.subject_access_requests.export_folder IS 'The folder the export was written to (socialaudit doctor checks it is owner-only).';
COMMENT ON COLUMN audit.subject_access_requests.counts IS 'Records exported per section (JSON).';

CREATE TABLE meta.output_folders (
    folder         VARCHAR NOT NULL,
    last_as_of     DATE NOT NULL,
    last_stored_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE meta.output_folders IS 'Every folder a run published this warehouse''s outputs to: an erasure publishes them again there, and socialaudit doctor checks they are owner-only.';
COMMENT ON COLUMN meta.output_folders.folder IS 'The --out folder, absolute.';
COMMENT ON COLUMN meta.output_folders.last_as_of IS 'The latest audited week stored for it.';
COMMENT ON COLUMN meta.output_folders.last_stored_at IS 'When (UTC).';
