"""What the policy rules in `checks/rules/` share, kept beside them so that package holds only rules.

- `rule`: the `Rule` record every rule module fills in (its id, clause, options and the text it reads);
- `posts`: the one label helper and the one constructor for a finding about a post, video or comment thread;
- `audience`: findings about who follows, subscribes to or is followed by an official account;
- `published_text`: every text the school published, as fields and words (from `marts.fct_published_text`);
- `media`: the published images and the approved media register as the media rules read them (from the marts);
- `archive_posts`: what a text finding on a post from the X archive could not check (its images' alt text).
"""
