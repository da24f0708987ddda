"""Who is signed in, and what they may do at one school: the review app's whole access model, apart from the web.

A `Person` is whoever signed in (an identity provider's account, or a local account made on the command line). A
`Grant` in school.toml or trust.toml `[[review_app.grants]]` gives people a role, at named schools in a trust.
`AccessPolicy.permissions(person, school)` answers what that person may do there; every page and decision asks it,
and nothing else decides. Roles:

How far each role reaches is on one scale of sensitivity, whose terms, and why each role reaches where it does, are
defined once in warehouse/safeguarding.py:

- `viewer`: reads the exceptions, except safeguarding-critical ones (severity critical, or high about a pupil or
  former pupil); decides nothing.
- `reviewer` (the ETL): reads, decides and acts on every exception (dashboards/review_actions.py) except a critical
  one about a person; of a critical one in the school's own post or video, which they must take down, they read it,
  act on it and acknowledge or reopen it, and closing it (accept, false positive) is the safeguarding lead's.
- `safeguarding-lead`: reads, decides and acts on every exception; a decision closing a critical one (accept,
  false positive) needs a second person (warehouse/reviews.py).
- `dpo`: reads everything and the access log; decides nothing (SAR and erasure are command-line work).
- `poster` (staff who post for the school): checks drafts before posting (dashboards/post_check_pages.py); reads
  no exception and approves nothing.
- `approver` (the Headteacher, or whom the grants name): sees the checked drafts and approves them, so next week's
  run trusts their images; reads no exception.

A person holding several roles may do what any of them allows.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from warehouse.people import same_identity
from warehouse.reviews import CLOSING, DECISIONS
from warehouse.safeguarding import Sensitivity


@dataclass(frozen=True)
class Role:
    name: str
    # The most sensitive exceptions the role reads; acknowledges, reopens and acts on; and closes (accept, false
    # positive). None: none.
    reads: Sensitivity | None
    decides: Sensitivity | None
    reads_access_log: bool
    # Acts on a finding through X or YouTube (or records a step done by hand), on what the role may decide.
    acts: bool
    closes: Sensitivity | None = None
    checks_posts: bool = False  # checks a draft before posting
    approves_posts: bool = False  # approves a checked draft


ROLES = {
    role.name: role
    for role in (
        Role("viewer", Sensitivity.ORDINARY, None, reads_access_log=False, acts=False),
        Role(
            "reviewer",
            Sensitivity.CRITICAL_OWN_PUBLICATION,
            Sensitivity.CRITICAL_OWN_PUBLICATION,
            reads_access_log=False,
            acts=True,
            closes=Sensitivity.SAFEGUARDING_CRITICAL,
        ),
        Role(
            "safeguarding-lead",
            Sensitivity.CRITICAL,
            Sensitivity.CRITICAL,
            reads_access_log=False,
            acts=True,
            closes=Sensitivity.CRITICAL,
        ),
        Role("dpo", Sensitivity.CRITICAL, None, reads_access_log=True, acts=False),
        Role("poster", None, None, reads_access_log=False, acts=False, checks_posts=True),
        Role(
            "approver", None, None, reads_access_log=False, acts=False, checks_posts=True, approves_posts=True
        ),
    )
}
LOCAL_PREFIX = "local:"
EVERY_SCHOOL = "*"


@dataclass(frozen=True)
class Person:
    """Whoever is signed in: `identity` is what grants name and what decisions and the access log record."""

    identity: str  # the identity provider's claim (an e-mail address), or local:NAME
    name: str  # how pages greet them
    method: str  # oidc | local


@dataclass(frozen=True)
class Grant:
    role: str
    who: tuple[str, ...]
    # None: every school the app serves (a school's own app, or a trust that is the controller and said "*").
    schools: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Permissions:
    """What one person may do at one school."""

    person: Person
    school: str
    roles: tuple[str, ...]

    @property
    def may_enter(self) -> bool:
        return bool(self.roles)

    def _held(self) -> list[Role]:
        return [ROLES[name] for name in self.roles]

    # `sensitivity`: the exception's, from warehouse/safeguarding.py (the one definition of its terms).
    def may_read(self, sensitivity: Sensitivity) -> bool:
        return any(role.reads is not None and sensitivity <= role.reads for role in self._held())

    @property
    def reads_exceptions(self) -> bool:
        return any(role.reads is not None for role in self._held())

    @property
    def may_check_posts(self) -> bool:
        return any(role.checks_posts for role in self._held())

    @property
    def may_approve_posts(self) -> bool:
        return any(role.approves_posts for role in self._held())

    def may_decide(self, sensitivity: Sensitivity, decision: str | None = None) -> bool:
        """`decision` None: any decision at all (whether to show the form)."""
        if decision in CLOSING:
            return any(role.closes is not None and sensitivity <= role.closes for role in self._held())
        return any(role.decides is not None and sensitivity <= role.decides for role in self._held())

    def decisions(self, sensitivity: Sensitivity) -> tuple[str, ...]:
        """The decisions this person may record on an exception this sensitive."""
        return tuple(d for d in DECISIONS if self.may_decide(sensitivity, d))

    def may_act(self, sensitivity: Sensitivity) -> bool:
        """Acts on a finding through the platforms: only on what the role may also decide."""
        return any(
            role.acts and role.decides is not None and sensitivity <= role.decides for role in self._held()
        )

    @property
    def may_decide_anything(self) -> bool:
        return any(role.decides is not None for role in self._held())

    @property
    def may_read_access_log(self) -> bool:
        return any(role.reads_access_log for role in self._held())


def is_loopback(host: str) -> bool:
    """Whether an address or host name is this machine only."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AccessPolicy:
    grants: tuple[Grant, ...]
    schools: tuple[str, ...]

    def permissions(self, person: Person, school: str) -> Permissions:
        roles = sorted(
            {
                grant.role
                for grant in self.grants
                if school in self.schools
                and (grant.schools is None or school in grant.schools)
                and any(same_identity(person.identity, who) for who in grant.who)
            }
        )
        return Permissions(person, school, tuple(roles))

    def schools_for(self, person: Person) -> list[str]:
        """The schools this person holds any role at, in the app's order."""
        return [school for school in self.schools if self.permissions(person, school).may_enter]

    def names_anyone(self) -> bool:
        return any(grant.who for grant in self.grants)


@dataclass(frozen=True)
class OidcSettings:
    """`[review_app.oidc]`: the school's or trust's OpenID Connect provider (Microsoft Entra ID, Google Workspace)."""

    issuer: str
    client_id: str
    client_secret_env: str = "SOCIALAUDIT_OIDC_CLIENT_SECRET"  # noqa: S105 (the variable's name)
    identity_claim: str = "email"
    label: str = "your school account"
    ca_file: str | None = None


@dataclass(frozen=True)
class ReviewAppSettings:
    """`[review_app]`: who may sign in to the review app, and how it may be reached."""

    public_url: str | None = None
    accounts_file: str = "review-accounts.json"
    session_hours: int = 8
    session_key_env: str | None = None
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    trusted_proxy: str | None = None
    # The variable holding the secret the proxy sends as PROXY_SECRET_HEADER (dashboards/web_auth.py); required
    # for a proxy on this machine, whose address every local process shares.
    trusted_proxy_secret_env: str | None = None
    oidc: OidcSettings | None = None
    grants: tuple[Grant, ...] = ()

    @property
    def terminates_tls(self) -> bool:
        return bool(self.tls_cert_file and self.tls_key_file)
