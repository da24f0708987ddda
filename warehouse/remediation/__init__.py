"""Acting on a finding through the platforms: what a school's account can do about an exception, the plan shown
before anything is sent, the record of every step, and next week's proof that it took effect.

The promise: an action is offered only where its rule lists it and the account's credentials allow it; a person
sees its call, cost and whether it can be undone before it is sent; each step is recorded before the platform is
called and settled after, so the record never claims more than happened and a retry acts at most once more; an
irreversible action waits for a second person where school.toml asks; the next week's run proves it or reopens
the exception.

Here: `actions` (the catalogue: each action's call, cost, permission, effect), `plans` (what an action would do,
read from the warehouse), `records` (the rows of `audit.remediations`), `ledger` (requesting, settling and
confirming a step), `proof` (next week's judgement). Its other layers: the calls themselves in
connectors/actions.py, x_actions.py and youtube_actions.py; the command and the permission check in
flows/remediation.py and flows/remediation_permissions.py (settings: flows/config/remediation.py); the review app's
pages in dashboards/review_actions.py.
"""
