-- Who read, decided, exported or queried what, when and from where (the review app and the command line).
CREATE OR REPLACE VIEW dpo.access_log AS
SELECT accessed_at, identity, os_user, via, origin, action, object, detail, access_id
FROM audit.access_log;
COMMENT ON VIEW dpo.access_log IS 'Every view of an exception (lists and details), decision, refusal, subject access export, erasure, sql query and export: who, when, from where and what. Entries reach this view when a writer next publishes the copy (the weekly run, a decision, sar, erase, sql); kept for [retention] access_log_months.';
COMMENT ON COLUMN dpo.access_log.accessed_at IS 'When (UTC).';
COMMENT ON COLUMN dpo.access_log.identity IS 'Who: the signed-in identity in the review app (the identity provider''s e-mail claim, or local:NAME for a local account); on the command line the --by name, else the operating-system user.';
COMMENT ON COLUMN dpo.access_log.os_user IS 'The operating-system user that ran the command (the real uid, not $USER); none for the review app.';
COMMENT ON COLUMN dpo.access_log.via IS 'review-app or cli.';
COMMENT ON COLUMN dpo.access_log.origin IS 'From where: the client address the review app saw (after a trusted reverse proxy), or cli@HOSTNAME.';
COMMENT ON COLUMN dpo.access_log.action IS 'list (a list of exceptions shown), view (one exception and its evidence), decide, decide-refused, proposal (a closing decision on a critical exception awaiting a second person), denied (a page, decision or action refused for the role), access-log (the DPO read this log), sar, erase, sql, export (exceptions list), registers-accept, remediate (an action on a finding requested, confirmed by a second person or answered by the platform: dpo.remediations), remediate-refused (an action that could not be taken or recorded), sign-in-failed (a name and password, or the identity provider, did not sign someone in: identity is the name tried), sign-in-throttled (refused unchecked after too many failures for that name or address), check-post (a draft checked before posting: dpo.post_checks), approve-post (a checked draft approved).';
COMMENT ON COLUMN dpo.access_log.object IS 'What: the exception key, the list''s filters, the subject access request or erasure id, the query text.';
COMMENT ON COLUMN dpo.access_log.detail IS 'The decision, the number of rows shown or returned, or why it was refused.';
COMMENT ON COLUMN dpo.access_log.access_id IS 'Unique id of the entry.';
