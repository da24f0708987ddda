-- A checked draft and its approval name who answers for them: on the command line the --by name with, in brackets,
-- the operating-system user who ran the command (warehouse/privacy/access_log.py AccessEntry.accountable).
COMMENT ON COLUMN audit.post_checks.checked_by IS 'Who checked it: the signed-in poster; on the command line the --by name with the operating-system user who ran it in brackets (the user alone without --by).';
COMMENT ON COLUMN audit.post_approvals.approved_by IS 'Who approved it: the signed-in approver; on the command line the --by name with the operating-system user who ran it in brackets (the user alone without --by).';
