"""Checking a draft before it is posted: the weekly rules about what the school publishes, run on the draft.

The draft is held as a published post in a stage of its own (warehouse/draft_stage.py) and the same rule modules
the weekly run runs read it there: pupil-named (in the text, and in the text read from each image),
contact-details, political-content, unapproved-media against the approved library (and the drafts approved
before), and consent-breach for the pupils the poster declares the photos show (a declaration for this post only:
it covers no platform, so it approves nothing) or an approval of the same picture names. The images are read as
the weekly run reads published ones (checks/images/): decoded within the pixel limit (image bombs refused), text and
faces read, never kept here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from checks.audit import AuditSettings
from checks.findings import Finding, RuleContext
from checks.images.reading import in_parallel, read_picture
from checks.media_hash import UnreadableImage, decode_upright, fingerprint_picture
from checks.rules import rule_by_id
from warehouse.draft_stage import DRAFT_POST_ID, Draft, DraftImage, Library, draft_stage

# The rules about what a post says and shows; the others look at followers, comments and account settings.
DRAFT_RULES = ("pupil-named", "contact-details", "political-content", "unapproved-media", "consent-breach")
VERDICTS = ("ok", "hold")
DECLARATION_ID = "declared-by-poster"
MAX_TEXT_CHARS = 25_000  # X's longest post; a YouTube description is 5,000
MAX_IMAGES = 4  # X's photos per post


class DraftRefused(Exception):
    """The draft cannot be checked (an image too large or not an image, too many images): one line says why."""


@dataclass(frozen=True)
class DraftFinding:
    rule: str
    severity: str
    evidence: str
    image: str | None = None  # the image the finding is about, by the name the poster gave it

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "evidence": self.evidence}
        if self.image is not None:
            found["image"] = self.image
        return found


@dataclass(frozen=True)
class PostCheck:
    verdict: str  # ok | hold
    findings: tuple[DraftFinding, ...]
    images: tuple[DraftImage, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "findings": [f.as_dict() for f in self.findings]}


@dataclass(frozen=True)
class UploadedImage:
    name: str  # as the poster named it (a file name), shown in findings
    data: bytes


def read_images(images: Sequence[UploadedImage], max_bytes: int, read_text: bool = True) -> list[DraftImage]:
    """Each image decoded once (within checks.media_hash.MAX_PIXELS; a decompression bomb is refused), its
    fingerprints taken and its text and faces read, the images in parallel. DraftRefused names the first image
    refused."""
    if len(images) > MAX_IMAGES:
        raise DraftRefused(f"{len(images)} images: a post carries at most {MAX_IMAGES}")
    for image in images:
        if len(image.data) > max_bytes:
            raise DraftRefused(f"{image.name}: {len(image.data)} bytes is over the {max_bytes} limit")

    def one(image: UploadedImage) -> DraftImage:
        try:
            picture = decode_upright(image.data)
        except UnreadableImage as error:
            raise DraftRefused(f"{image.name}: {error}") from None
        found = fingerprint_picture(image.data, picture)
        reading = read_picture(picture, found["sha256"]) if read_text else None
        return DraftImage(found, reading)

    return in_parallel(one, images)


def check_draft(
    library: Library,
    draft: Draft,
    image_names: Sequence[str],
    settings: AuditSettings,
    as_of: date,
) -> PostCheck:
    """The draft's verdict: `hold` when any of DRAFT_RULES (those school.toml leaves enabled) finds anything."""
    if len(draft.text) > MAX_TEXT_CHARS:
        raise DraftRefused(f"the text is {len(draft.text)} characters: at most {MAX_TEXT_CHARS}")
    with draft_stage(_with_declaration(library, draft), draft, as_of) as con:
        ctx = RuleContext(
            as_of=as_of,
            con=con,
            identities=pl.DataFrame(),
            account_labels={},
            thresholds=settings.thresholds,
            school_name=settings.school_name,
            email_domains=settings.email_domains,
            phones=settings.phones,
            accounts=settings.accounts,
            options=settings.options,
        )
        found: list[Finding] = []
        for rule_id in DRAFT_RULES:
            if rule_id not in settings.disabled:
                found.extend(rule_by_id(rule_id).find(ctx))
    names = {draft.media_key(n): name for n, name in enumerate(image_names, start=1)}
    readings = {name: image.reading for name, image in zip(image_names, draft.images, strict=False)}
    findings = []
    for f in found:
        if f.subject_id != DRAFT_POST_ID:
            continue
        image = _image_named(f.evidence, names)
        evidence = _plain(f.evidence, names) + _where_read(f.evidence, readings.get(image or ""), image)
        findings.append(DraftFinding(f.rule, f.severity, evidence, image))
    return PostCheck("hold" if findings else "ok", tuple(findings), tuple(draft.images))


def _with_declaration(library: Library, draft: Draft) -> Library:
    """The poster's declaration of who the photos show, as an approval of this post for no platform: consent-breach
    reads it (an approval about the post, whatever platform), unapproved-media does not (it covers neither)."""
    if not draft.pupils_pictured or not draft.images:
        return library
    media = library.register_frames["approved_media"]
    declared = pl.DataFrame(
        {
            "approval_id": [DECLARATION_ID],
            "platform": ["website"],
            "post_id": [DRAFT_POST_ID],
            "pupils_pictured": [list(draft.pupils_pictured)],
        }
    )
    frames = {
        **library.register_frames,
        "approved_media": pl.concat([media, declared], how="diagonal_relaxed"),
    }
    return Library(
        frames,
        library.register_files,
        library.approved_hashes,
        library.post_approvals,
        library.post_approval_images,
    )


_DRAFT_KEY = re.compile(r"\bimage-\d+\b")
_QUOTED = re.compile(r'"([^"]+)"')


def _where_read(evidence: str, reading: dict[str, Any] | None, image: str | None) -> str:
    """Where in the image the words the evidence quotes were read: the poster finds them at a glance."""
    if not reading or image is None:
        return ""
    quotes = _QUOTED.findall(evidence)
    places = [
        f'"{line["text"]}" at x {x}, y {y} ({w}x{h} px)'
        for line in reading.get("lines", [])
        for x, y, w, h in [line["box"]]
        if any(quote in line["text"] for quote in quotes)
    ]
    return f"; read in {image}: " + "; ".join(places) if places else ""


def _image_named(evidence: str, names: dict[str, str]) -> str | None:
    for key in _DRAFT_KEY.findall(evidence):
        if key in names:
            return names[key]
    if DRAFT_POST_ID in names and len(names) == 1 and "image" in evidence:
        return names[DRAFT_POST_ID]
    return None


def _plain(evidence: str, names: dict[str, str]) -> str:
    """The evidence with the draft's image keys given the poster's names for them (`image-2` -> `x.jpg (image 2)`)."""
    return _DRAFT_KEY.sub(
        lambda m: f"{names[m.group()]} (image {m.group()[6:]})" if m.group() in names else m.group(), evidence
    )
