-- A platform column names every platform the product reads, not the first two: the comments written before Facebook
-- Pages and Instagram arrived said "x or youtube". Drafts are still checked for X and YouTube only.

COMMENT ON COLUMN raw.snapshots.platform IS 'x, youtube, facebook or instagram.';
COMMENT ON COLUMN audit.identities.platform IS 'x, youtube, facebook or instagram.';
COMMENT ON COLUMN audit.remediations.platform IS 'x, youtube, facebook or instagram.';
COMMENT ON COLUMN audit.action_permissions.platform IS 'x, youtube, facebook or instagram.';
COMMENT ON COLUMN ref.approved_media.platform IS 'x, youtube, facebook, instagram or any: where the approval applies.';
