-- A copy never publishes into its original's folders: each output folder is recorded with the warehouse that
-- published to it. A decision rests on what a finding is about, not on its wording.

ALTER TABLE meta.output_folders ADD COLUMN warehouse VARCHAR;
COMMENT ON COLUMN meta.output_folders.warehouse IS 'The warehouse (its absolute path) that published to the folder: a copy of it at another path never publishes there unless given the folder with --out. Empty for a folder recorded before warehouses kept it.';

COMMENT ON COLUMN audit.reviews.evidence_sha256 IS 'The fingerprint of what the finding rested on when decided (its key, the person matched, the media and fields it rests on; not the evidence wording): a false positive reopens when it changes.';
COMMENT ON COLUMN audit.pending_decisions.evidence_sha256 IS 'The fingerprint of what the finding rested on when proposed: a changed fingerprint drops the proposal.';

COMMENT ON COLUMN audit.exceptions.resolved_reason IS 'Why a resolved exception was resolved: deleted (X says the post no longer exists), gone (its subject is no longer found), remediated (an action taken on it, audit.remediations, was found by the next run to have taken effect), aged-out (a former pupil still following has turned 18), or NULL while not resolved.';
COMMENT ON COLUMN audit.exceptions.evidence_sha256 IS 'The fingerprint of what the finding rests on (its key, the person matched, the media and fields it rests on; not the evidence wording): decisions are compared on it.';
