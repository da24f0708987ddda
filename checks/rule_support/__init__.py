"""What the policy rules in `checks/rules/` share, kept beside them so that package holds only rules.

- `rule`: the `Rule` record every rule module fills in;
- `posts`: the one label helper and the one constructor for a finding about a post, video or comment thread;
- `audience`: findings about who follows, subscribes to or is followed by an official account;
- `media`: the published images and the approved media register as the media rules read them (from the marts).
"""
