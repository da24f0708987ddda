"""contact-details: a post or video publishes a phone number or e-mail address that is not the school's.

Policy: bledington.txt A, cornist-park.txt Code of Conduct for Social Networking, carleton-green.txt §5.
What counts: UK mobile numbers (07..., +44 7...), geographic landlines (01..., 02..., +44 1/2...) and e-mail
addresses, also in text read in images (a poster's "call Sam on ..."), the evidence naming the image and the
engine's confidence (below `SURE_READING`, `low`: a person looks). Not the school's own: `[school] phones`, addresses
at `[school] email_domains` or any *.sch.uk domain, and what `allowed` lists. One exception per post or video, each
number or address partly masked in the evidence.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding
from checks.rule_support.published_text import (
    SURE_READING,
    ImageText,
    mask_email,
    mask_phone,
    published_items,
)
from checks.rule_support.rule import Rule

RULE_ID = "contact-details"
# A run of digits with the separators people type, starting +44 / 0044 / 0, not glued to other digits.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s.()-]{0,2}\d){7,10}(?!\d)")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")
PERSONAL_PREFIXES = {"07": "mobile", "01": "landline", "02": "landline"}
READS_TEXT = frozenset({"text", "alt_text", "title", "description", "image_text"})


def national_digits(number: str) -> str:
    """A UK number as the 10-11 digits dialled inside the UK: '+44 (0)7700 900123' -> '07700900123'."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and number.lstrip().startswith("+"):
        digits = digits[2:]
    else:
        return digits
    return digits if digits.startswith("0") else "0" + digits


def _school_domain(domain: str, school_domains: tuple[str, ...]) -> bool:
    domain = domain.lower()
    if domain.endswith(".sch.uk"):
        return True
    return any(domain == d or domain.endswith("." + d) for d in school_domains)


def _allowed(ctx: RuleContext) -> tuple[set[str], set[str]]:
    """Numbers (digits) and addresses/domains (lower case) the school publishes on purpose."""
    numbers = {national_digits(p) for p in ctx.phones}
    addresses: set[str] = set()
    options: dict[str, Any] = ctx.options_for(RULE_ID)
    for entry in options.get("allowed", []):
        entry = str(entry).strip()
        if re.search(r"[A-Za-z]", entry):
            addresses.add(entry.lower().lstrip("@"))
        else:
            numbers.add(national_digits(entry))
    return numbers, addresses


def contact_details_in(text: str, ctx: RuleContext) -> list[str]:
    """Each personal-looking number or address in `text`, masked, with what it is."""
    return [what for what, _ in _found(text, ctx)]


def _found(text: str, ctx: RuleContext) -> list[tuple[str, tuple[int, int]]]:
    school_numbers, allowed = _allowed(ctx)
    school_domains = tuple(d.lower().lstrip("@") for d in ctx.email_domains)
    found = []
    for match in PHONE.finditer(text):
        digits = national_digits(match.group())
        kind = PERSONAL_PREFIXES.get(digits[:2])
        if kind is None or not 10 <= len(digits) <= 11 or digits in school_numbers:
            continue
        found.append((f"{kind} number {mask_phone(digits)}", match.span()))
    for match in EMAIL.finditer(text):
        address = match.group().rstrip(".")
        domain = address.rsplit("@", 1)[1].lower()
        if _school_domain(domain, school_domains) or address.lower() in allowed or domain in allowed:
            continue
        found.append((f"e-mail address {mask_email(address)}", match.span()))
    return found


def masked(text: str) -> str:
    """The text with every number and address masked, so the report's label does not republish them."""
    text = PHONE.sub(lambda m: mask_phone(national_digits(m.group())), text)
    return EMAIL.sub(lambda m: mask_email(m.group()), text)


def find(ctx: RuleContext) -> list[Finding]:
    findings = []
    for item in published_items(ctx.con, READS_TEXT, read_once=ctx.read_once):
        details = []
        sure = False
        for field, value in item.fields:
            for what, (start, end) in _found(value, ctx):
                if isinstance(value, ImageText):
                    details.append(f"{what} {value.where(start, end)}")
                    sure = sure or value.confidence_of(start, end) >= SURE_READING
                else:
                    details.append(f"{what} in the {field.replace('_', ' ')}")
                    sure = True
        if not details:
            continue
        findings.append(
            post_finding(
                ctx,
                replace(item, label_text=masked(item.label_text or "")),
                rule=RULE_ID,
                # Only misread-possible readings found it: a person looks at the image.
                severity="medium" if sure else "low",
                confidence=0.9 if sure else 0.5,
                evidence="contact details that are not the school's: " + "; ".join(dict.fromkeys(details)),
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Personal phone numbers and e-mail addresses published",
    general_basis="UK GDPR Art. 5(1)(c) and 5(1)(f) (no more personal data than needed, kept secure); KCSIE and "
    "the Guidance for Safer Working Practice (staff do not give pupils or parents personal contact details)",
    example_clauses=(
        "bledington.txt A (personal email addresses/phone numbers must not be shared)",
        "cornist-park.txt Code of Conduct (personal contact details not given)",
        "carleton-green.txt §5 (communicating by personal e-mail or text leaves staff open to allegations)",
    ),
    what_counts="a UK mobile or landline number or an e-mail address in a post or video (or read in its images) "
    "that is not the school's own (school.toml phones/email_domains, *.sch.uk) nor listed as allowed",
    find=find,
    aged_out=None,
    options=("allowed",),
    remediations=("make-video-private", "delete-post", "delete-page-post", "delete-ig-media"),
    reads_images="text",
    reads_text=READS_TEXT,
)
