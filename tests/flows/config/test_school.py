"""school.toml is strict: every unknown table or key is refused with its line and the nearest known name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from checks.rules import RULE_OPTIONS
from flows.config.school import (
    REGISTER_NAMES,
    Account,
    ConfigError,
    CredentialSettings,
    RegisterSettings,
    load_config,
    locate_keys,
)

ROOT = Path(__file__).resolve().parents[3]

SCHOOL = """\
[school]
name = "Carleton Green Community Primary School"
urn = "119321"
phase = "primary"
timezone = "Europe/London"

[[accounts]]
platform = "x"
handle = "CarletonGreenCP"
id = "1580000000000000001"
approved_by = "Headteacher"
approved_on = 2024-09-01
"""

FULL = (
    SCHOOL
    + """
[[accounts]]
platform = "x"
handle = "CarletonGreenSport"
id = "1580000000000000002"
approved_by = "Headteacher"
approved_on = 2025-01-06
credentials = "sports"

[[accounts]]
platform = "youtube"
handle = "@CarletonGreenCP"
id = "UCabcdefghijklmnopqrstuv"
approved_by = "Headteacher"
approved_on = 2024-09-01

[api]
max_retries = 5
backoff_seconds = 2.0
max_wait_seconds = 900
max_follow_pages = 500
max_post_pages = 40
media_max_bytes = 20971520

[rules]
exception_threshold = 0.85
review_floor = 0.6
media_hash_max_distance = 8
disabled = ["account-drift"]

[rules.contact-details]
allowed = ["0161 496 0999", "friendsofcarletongreen.org.uk"]

[rules.political-content]
extra_terms = ["Save Our Library"]
ignore_terms = ["Green Flag"]

[credentials]
x_secret_block = "socialaudit-x"
youtube_secret_block = "socialaudit-youtube"
youtube_token_file = "/var/lib/socialaudit/youtube-token.json"
youtube_api_key_env = "SOCIALAUDIT_YOUTUBE_API_KEY"

[credentials.sports]
x_secret_block = "socialaudit-x-sports"

[warehouse]
encryption_key_env = "SOCIALAUDIT_DB_KEY"

[retention]
raw_pages_weeks = 8
unmatched_profiles_weeks = 1
findings_weeks = 52
resolved_exceptions_months = 12
register_versions_months = 12
validation_results_weeks = 52
output_weeks = 2

[report.email]
host = "smtp.example.org"
port = 587
starttls = true
from = "socialaudit@school.sch.uk"
to = ["etl@school.sch.uk"]
dsl = "dsl@school.sch.uk"
username = "socialaudit@school.sch.uk"
password_env = "SOCIALAUDIT_SMTP_PASSWORD"

[registers]
hold_share = 0.25

[registers.columns.pupils]
"Legal Surname" = "surname"
UPN = "pupil_id"

[registers.columns.staff]
'Known as' = "preferred_name"
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "school.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text))
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


@pytest.mark.parametrize(("rule_id", "options"), sorted(RULE_OPTIONS.items()))
def test_school_toml_takes_the_options_each_rule_declares_and_no_other(tmp_path, rule_id, options):
    table = "".join(f'{option} = ["x"]\n' for option in options)
    config = load_config(write(tmp_path, f"{SCHOOL}\n[rules.{rule_id}]\n{table}"))
    assert config.rules.options[rule_id] == {option: ["x"] for option in options}
    refused = problems(tmp_path, f'{SCHOOL}\n[rules.{rule_id}]\nundeclared = ["x"]\n')
    assert len(refused) == 1 and f"unknown key undeclared in [rules.{rule_id}]" in refused[0]


def test_a_full_configuration_is_accepted(tmp_path):
    config = load_config(write(tmp_path, FULL))
    assert [a.credentials for a in config.accounts] == [None, "sports", None]
    assert config.accounts[1] == Account(
        "x", "CarletonGreenSport", "1580000000000000002", "Headteacher", date(2025, 1, 6), "sports"
    )
    assert config.rules.disabled == ("account-drift",)
    assert config.rules.options["political-content"]["ignore_terms"] == ["Green Flag"]
    assert config.credentials.x_secret_block == "socialaudit-x"
    assert config.credentials.named == {"sports": CredentialSettings(x_secret_block="socialaudit-x-sports")}
    assert config.retention.findings_weeks == 52
    # What a run prunes its kept weeks to (tests/e2e/test_weeks_kept.py).
    assert config.retention.output_weeks == 2
    assert config.report.email is not None and config.report.email.dsl == "dsl@school.sch.uk"
    assert config.registers.hold_share == 0.25
    assert config.registers.columns["pupils"] == {"Legal Surname": "surname", "UPN": "pupil_id"}
    assert config.registers.columns["staff"] == {"Known as": "preferred_name"}
    assert config.registers.columns["parents"] == {}


def test_the_defaults(tmp_path):
    config = load_config(write(tmp_path, SCHOOL))
    assert config.registers == RegisterSettings()
    assert config.registers.hold_share == 0.2
    assert config.registers.columns == {name: {} for name in REGISTER_NAMES}
    assert config.credentials.named == {}
    assert config.accounts[0].credentials is None
    assert config.api.max_retries == 5 and config.retention.raw_pages_weeks == 8


def _toml_blocks(path: Path) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("doc", ["docs/etl-setup.md", "docs/production.md"])
def test_every_documented_example_loads(tmp_path, doc):
    """The doc's toml examples together (each table appears once across them) make a valid school.toml."""
    blocks = [block for block in _toml_blocks(ROOT / doc) if "[school]" not in block]
    assert blocks
    load_config(write(tmp_path, SCHOOL + "\n" + "\n".join(blocks)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SCHOOL + "\n[retension]\nraw_pages_weeks = 4\n",
            "school.toml line 14: unknown table [retension]; did you mean [retention]?",
        ),
        (
            SCHOOL.replace('phase = "primary"', 'email_domain = ["cg.sch.uk"]'),
            "school.toml line 4: unknown key email_domain in [school]; did you mean email_domains?",
        ),
        (
            SCHOOL.replace("approved_by", "aproved_by"),
            "school.toml line 11: unknown key aproved_by in [[accounts]] #1; did you mean approved_by?",
        ),
        (
            SCHOOL + '\n[rules]\ndisabled = ["pupil-follower", "political-contnet"]\n',
            "school.toml line 15: [rules] disabled names unknown rule political-contnet; "
            "did you mean political-content?",
        ),
        (
            SCHOOL + '\n[rules.political-contnet]\nextra_terms = ["x"]\n',
            "school.toml line 14: [rules.political-contnet] names no rule; did you mean [rules.political-content]?",
        ),
        (
            SCHOOL + '\n[rules.political-content]\nextra_term = ["x"]\n',
            "school.toml line 15: unknown key extra_term in [rules.political-content]; did you mean extra_terms?",
        ),
        (
            SCHOOL + '\n[rules."pupil-follower"]\nthreshold = 1\n',
            "school.toml line 15: unknown key threshold in [rules.pupil-follower] (rule pupil-follower takes no options)",
        ),
        (
            SCHOOL + "\n[api]\nmax_retrys = 3\n",
            "school.toml line 15: unknown key max_retrys in [api]; did you mean max_retries?",
        ),
        (
            SCHOOL + '\n[report.emial]\nhost = "h"\n',
            "school.toml line 14: unknown table [report.emial]; did you mean [report.email]?",
        ),
        (
            SCHOOL + '\n[warehouse]\nencryption_key_envv = "K"\n',
            "school.toml line 15: unknown key encryption_key_envv in [warehouse]; did you mean encryption_key_env?",
        ),
        (
            SCHOOL + '\n[credentials]\nx_secret = "b"\n',
            "school.toml line 15: unknown key x_secret in [credentials]; did you mean x_secret_block?",
        ),
        (
            SCHOOL + "\n[[acounts]]\nplatform = 'x'\n",
            "school.toml line 14: unknown table [[acounts]]; did you mean [[accounts]]?",
        ),
        (
            SCHOOL + "\n[registers]\nhold_shares = 0.1\n",
            "school.toml line 15: unknown key hold_shares in [registers]; did you mean hold_share?",
        ),
        (
            SCHOOL + '\n[registers.colums.pupils]\nUPN = "pupil_id"\n',
            "school.toml line 14: unknown table [registers.colums]; did you mean [registers.columns]?",
        ),
        (
            SCHOOL + '\n[registers.columns.pupil]\nUPN = "pupil_id"\n',
            "school.toml line 14: unknown table [registers.columns.pupil]; did you mean [registers.columns.pupils]?",
        ),
        (
            # A dotted key in a table and a quoted table name are found on their own lines.
            SCHOOL + '\n["school".extra]\nx = 1\n\n[api]\nretry.max = 2\n',
            "school.toml line 14: unknown table [school.extra]",
        ),
        (
            SCHOOL + "\n[api]\nretry.max = 2\n",
            "school.toml line 15: unknown table [api.retry]",
        ),
        (
            "top = 1\n" + SCHOOL,
            "school.toml line 1: unknown key top in the file (outside any table)",
        ),
    ],
    ids=[
        "retension",
        "email_domain",
        "aproved_by",
        "disabled-rule",
        "rule-table",
        "rule-option",
        "rule-without-options",
        "api",
        "report-table",
        "warehouse",
        "credentials",
        "accounts-array",
        "registers-key",
        "registers-columns",
        "registers-register",
        "quoted-table",
        "dotted-key",
        "top-level",
    ],
)
def test_each_typo_is_refused_with_its_line_and_the_nearest_name(tmp_path, text, expected):
    assert expected in problems(tmp_path, text)


def test_every_problem_is_reported_together_in_line_order(tmp_path):
    text = (
        SCHOOL.replace('phase = "primary"', 'email_domain = ["cg.sch.uk"]').replace(
            "approved_by", "aproved_by"
        )
        + '\n[retension]\nraw_pages_weeks = 4\n\n[rules]\ndisabled = ["political-contnet"]\n'
        + 'review_floor = 2\n\n[api]\nmax_retries = "5"\n'
    )
    found = problems(tmp_path, text)
    assert found == (
        "school.toml line 4: unknown key email_domain in [school]; did you mean email_domains?",
        "school.toml line 11: unknown key aproved_by in [[accounts]] #1; did you mean approved_by?",
        "school.toml line 14: unknown table [retension]; did you mean [retention]?",
        "school.toml line 18: [rules] disabled names unknown rule political-contnet; did you mean political-content?",
        "school.toml line 19: [rules] review_floor must be a number from 0 to 1",
        "school.toml line 22: [api] max_retries must be a whole number of at least 0, not a string",
    )


def test_the_second_account_entry_is_named_by_its_number_and_line(tmp_path):
    text = SCHOOL + '\n[[accounts]]\nplatform = "youtube"\nhandle = "@cg"\nid = "UC1"\napproved_bi = "Head"\n'
    assert problems(tmp_path, text) == (
        "school.toml line 18: unknown key approved_bi in [[accounts]] #2; did you mean approved_by?",
    )


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        (
            "\n[retention]\nraw_pages_weeks = 0\n",
            "[retention] raw_pages_weeks must be a whole number of at least 1",
        ),
        ("\n[retention]\nraw_pages_weeks = 1.5\n", "[retention] raw_pages_weeks must be a whole number"),
        (
            "\n[api]\nbackoff_seconds = true\n",
            "[api] backoff_seconds must be a number of at least 0, not true/false",
        ),
        ('\n[rules]\ndisabled = "pupil-follower"\n', "[rules] disabled must be a list of strings"),
        ('\n[rules.political-content]\nextra_terms = "x"\n', "extra_terms must be a list of strings"),
        ('\n[credentials]\nx_secret_block = ""\n', "[credentials] x_secret_block must be a non-empty name"),
        (
            "\n[warehouse]\nencryption_key_env = 3\n",
            "[warehouse] encryption_key_env must be a non-empty name",
        ),
        (
            "\n[rules]\nmedia_hash_max_distance = 65\n",
            "media_hash_max_distance must be a whole number from 0 to 64",
        ),
        ('\n[report.email]\nhost = "h"\nto = ["a@b"]\n', "[report.email] from is required"),
    ],
)
def test_value_types_are_checked(tmp_path, addition, expected):
    assert any(expected in problem for problem in problems(tmp_path, SCHOOL + addition))


def test_a_table_given_as_a_value(tmp_path):
    assert problems(tmp_path, "api = 3\n" + SCHOOL) == (
        "school.toml line 1: [api] must be a table, not a whole number",
    )


def test_school_and_account_values(tmp_path):
    text = (
        SCHOOL.replace('phase = "primary"', 'phase = "infant"')
        .replace('platform = "x"', 'platform = "tiktok"')
        .replace("approved_on = 2024-09-01", 'approved_on = "1 Sept"')
    )
    found = problems(tmp_path, text)
    assert found == (
        "school.toml line 4: [school] phase 'infant' is not primary, secondary or all-through",
        "school.toml line 8: [[accounts]] #1 platform 'tiktok' is not x, youtube, facebook or instagram",
        "school.toml line 12: [[accounts]] #1 approved_on must be a date (YYYY-MM-DD)",
    )
    assert problems(tmp_path, '[school]\nname = "S"\n') == (
        "school.toml: at least one [[accounts]] entry is required",
    )


@pytest.mark.parametrize("name", ["Sports", "sports club", "-sports", "sports.x", ""])
def test_a_credentials_name_must_be_a_plain_name(tmp_path, name):
    text = SCHOOL + f'credentials = "{name}"\n'
    (problem,) = problems(tmp_path, text)
    assert problem.startswith("school.toml line 13: [[accounts]] #1 credentials must name a credential set")


def test_an_unused_credential_table_is_refused_with_the_nearest_name(tmp_path):
    text = (
        SCHOOL.replace('approved_by = "Headteacher"', 'approved_by = "Headteacher"\ncredentials = "sports"')
        + '\n[credentials.sport]\nx_secret_block = "b"\n'
    )
    assert problems(tmp_path, text) == (
        'school.toml line 15: [credentials.sport] is unused: no [[accounts]] entry has credentials = "sport"; '
        "did you mean [credentials.sports]?",
    )


def test_a_named_credential_table_takes_the_same_keys(tmp_path):
    text = (
        SCHOOL.replace('approved_by = "Headteacher"', 'approved_by = "Headteacher"\ncredentials = "sports"')
        + '\n[credentials]\nyoutube_api_key_env = "PROJECT_KEY"\n'
        + '\n[credentials.sports]\nyoutube_token_file = "/t.json"\nx_secret = "b"\n'
    )
    assert problems(tmp_path, text) == (
        "school.toml line 20: unknown key x_secret in [credentials.sports]; did you mean x_secret_block?",
    )
    config = load_config(write(tmp_path, text.replace('x_secret = "b"\n', "")))
    assert config.credentials.named["sports"] == CredentialSettings(
        youtube_token_file="/t.json", youtube_api_key_env="PROJECT_KEY"
    )


def test_two_spellings_of_one_credentials_name_are_refused(tmp_path):
    text = (
        SCHOOL.replace('approved_by = "Headteacher"', 'approved_by = "Headteacher"\ncredentials = "sports-x"')
        + '\n[[accounts]]\nplatform = "youtube"\nhandle = "@s"\nid = "UC1"\ncredentials = "sports_x"\n'
    )
    (problem,) = problems(tmp_path, text)
    assert problem.startswith("school.toml line 19: credentials 'sports_x' and 'sports-x' would share")


def test_registers_settings_are_checked(tmp_path):
    text = SCHOOL + (
        "\n[registers]\nhold_share = 1.5\n"
        '\n[registers.columns.pupils]\n"Legal Surname" = "surnme"\nUPN = 3\n'
        '\n[registers.columns.parents]\n"Parent ID" = "parent_id"\nID = "parent_id"\n'
    )
    assert problems(tmp_path, text) == (
        "school.toml line 15: [registers] hold_share must be a number from 0 to 1",
        "school.toml line 18: [registers.columns.pupils] maps \"Legal Surname\" to 'surnme', which is no pupils "
        "column; did you mean surname?",
        "school.toml line 19: [registers.columns.pupils] UPN must name a pupils column (a string), not a whole number",
        "school.toml line 23: [registers.columns.parents] maps both 'Parent ID' and 'ID' to parent_id",
    )


def test_registers_hold_share_may_be_zero_or_one(tmp_path):
    assert load_config(write(tmp_path, SCHOOL + "\n[registers]\nhold_share = 0\n")).registers.hold_share == 0
    assert load_config(write(tmp_path, SCHOOL + "\n[registers]\nhold_share = 1\n")).registers.hold_share == 1


def test_inline_tables_and_multi_line_strings(tmp_path):
    text = SCHOOL + (
        '\n[report]\nemail = { host = "h", from = "a@b", to = "c@d", colour = "red" }\n'
        '\n[rules.political-content]\nextra_terms = [\n  "a",\n  """b\nc = 1\n[retension]""",\n]\n'
        "ignore = []\n"
    )
    assert problems(tmp_path, text) == (
        "school.toml line 15: unknown key colour in [report.email]",
        "school.toml line 24: unknown key ignore in [rules.political-content]; did you mean ignore_terms?",
    )


def test_locate_keys():
    text = (
        'a = 1\n[t]\n"quoted key" = 2\nd.e = 3\n[[arr]]\nk = 1\n[[arr]]\nk = 2\n[arr.sub]\nz = 1\n'
        "[ 'lit' . \"x y\" ]  # comment\nw = '''\nnot = a key\n'''\nv = 1\n"
    )
    lines = locate_keys(text)
    assert lines[("a",)] == 1
    assert lines[("t",)] == 2
    assert lines[("t", "quoted key")] == 3
    assert lines[("t", "d")] == 4 and lines[("t", "d", "e")] == 4
    assert lines[("arr", 0)] == 5 and lines[("arr", 0, "k")] == 6
    assert lines[("arr", 1)] == 7 and lines[("arr", 1, "k")] == 8
    assert lines[("arr", 1, "sub")] == 9 and lines[("arr", 1, "sub", "z")] == 10
    assert lines[("lit", "x y")] == 11 and lines[("lit", "x y", "w")] == 12
    assert ("lit", "x y", "not") not in lines
    assert lines[("lit", "x y", "v")] == 15


def test_invalid_toml_and_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[school\n"))
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")


def test_images_are_read_unless_the_school_turns_it_off(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, SCHOOL)).images.read is True
    assert load_config(write(tmp_path, SCHOOL + "\n[images]\nread = false\n")).images.read is False
    with pytest.raises(ConfigError, match=r"\[images\] read"):
        load_config(write(tmp_path, SCHOOL + '\n[images]\nread = "no"\n'))
    with pytest.raises(ConfigError, match="unknown key faces in \\[images\\]"):
        load_config(write(tmp_path, SCHOOL + "\n[images]\nfaces = true\n"))


REVIEW_APP = """
[reviews]
max_accept_days = 30

[review_app]
public_url = "https://review.school.sch.uk"
trusted_proxy = "127.0.0.1"
trusted_proxy_secret_env = "SOCIALAUDIT_PROXY_SECRET"
session_hours = 4

[review_app.oidc]
issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"
client_id = "abc"
identity_claim = "preferred_username"

[[review_app.grants]]
role = "safeguarding-lead"
who = ["dsl@school.sch.uk", "local:deputy"]
"""


def test_the_review_app_and_review_policy_tables(tmp_path):
    config = load_config(write(tmp_path, SCHOOL + REVIEW_APP))
    assert config.reviews.max_accept_days == 30
    app = config.review_app
    assert (app.public_url, app.trusted_proxy, app.session_hours) == (
        "https://review.school.sch.uk",
        "127.0.0.1",
        4,
    )
    assert app.accounts_file == str((tmp_path / "review-accounts.json").resolve())
    assert app.oidc is not None and app.oidc.identity_claim == "preferred_username"
    assert app.oidc.client_secret_env == "SOCIALAUDIT_OIDC_CLIENT_SECRET"
    assert [(g.role, g.who, g.schools) for g in app.grants] == [
        ("safeguarding-lead", ("dsl@school.sch.uk", "local:deputy"), None)
    ]


def test_review_app_mistakes_are_refused_with_their_lines(tmp_path):
    found = problems(
        tmp_path,
        SCHOOL
        + """
[reviews]
max_accept_days = 9999

[review_app]
public_url = "http://review.school.sch.uk"
trusted_proxy = "the proxy"
tls_cert_file = "cert.pem"

[review_app.oidc]
client_id = "abc"

[[review_app.grants]]
role = "headteacher"
who = ["head@school.sch.uk"]
schools = ["all"]
""",
    )
    text = "\n".join(found)
    assert "max_accept_days must be a whole number from 1 to 730" in text
    assert "public_url must be https://" in text
    assert "trusted_proxy must be the proxy's IP address" in text
    assert "tls_cert_file and tls_key_file go together" in text
    assert "[review_app.oidc] issuer is required" in text
    assert (
        "role must be one of viewer, reviewer, safeguarding-lead, dpo, poster, approver, not 'headteacher'"
        in text
    )
    assert "unknown key schools in [[review_app.grants]] #1" in text
