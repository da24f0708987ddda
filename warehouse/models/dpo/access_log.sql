-- Who read, decided, exported or queried what, when and from where (the review app and the command line).
CREATE OR REPLACE VIEW dpo.access_log AS
SELECT accessed_at, identity, os_user, via, origin, action, object, detail, access_id
FROM audit.access_log;
COMMENT ON VIEW dpo.access_log IS 'Every view of an exception, decision, refusal, subject access export, erasure, sql query and export (action). An entry shows once a writer next publishes the copy (the weekly run, a decision, sar, erase, sql); kept for [retention] access_log_months.';
COMMENT ON COLUMN dpo.access_log.accessed_at IS 'When (UTC).';
COMMENT ON COLUMN dpo.access_log.identity IS 'Who: in the review app the signed-in identity (the identity provider''s e-mail claim, or local:NAME); on the command line --by, else the operating-system user.';
COMMENT ON COLUMN dpo.access_log.os_user IS 'The operating-system user (the real uid, not $USER); none for the review app.';
COMMENT ON COLUMN dpo.access_log.via IS 'review-app or cli.';
COMMENT ON COLUMN dpo.access_log.origin IS 'The client address the review app saw (behind a trusted reverse proxy), or cli@HOSTNAME.';
COMMENT ON COLUMN dpo.access_log.action IS 'list, view (one exception and its evidence), decide, decide-refused, proposal (a closing decision awaiting a second person), denied (refused for the role), access-log (this log read), sar, erase, sql, export, registers-accept, remediate (dpo.remediations), remediate-refused, sign-in-failed (identity: the name tried), sign-in-throttled (too many failures for that name or address), check-post (dpo.post_checks), approve-post.';
COMMENT ON COLUMN dpo.access_log.object IS 'The exception key, the list''s filters, the request or erasure id, or the query.';
COMMENT ON COLUMN dpo.access_log.detail IS 'The decision, the rows shown or returned, or why it was refused.';
COMMENT ON COLUMN dpo.access_log.access_id IS 'Unique id of the entry.';
