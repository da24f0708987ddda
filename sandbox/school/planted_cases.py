"""The sample school's planted cases, one row each: what each X post (of the main and the sports account) and
YouTube video is made of and the labels it carries. planting.py says what the fields mean; posts.py and
videos.py build a post or video from a row. The rows' order is the order their slots are dealt on the timeline: a new row goes at the end.
"""

from __future__ import annotations

from sandbox.school import names, text
from sandbox.school.pictures import LANDSCAPE, PORTRAIT, SMALL
from sandbox.school.planting import (
    GENERIC,
    AnyParent,
    Carousel,
    Choice,
    Clip,
    Crowd,
    Derived,
    Edit,
    FullName,
    NamedStaff,
    NameTag,
    Nickname,
    Number,
    PersonalEmail,
    PersonalMobile,
    Photo,
    PlantedFinding,
    PostCase,
    Repost,
    StaffMember,
    Template,
    VideoCase,
)

X_CONTACT = "Any questions, call the office on {info.phone} or email office@{info.email_domain}"
YOUTUBE_CONTACT = "Questions? Call the school office on {info.phone} or email admin@{info.email_domain}."
VIDEO_4_3 = (640, 480)

X_POSTS: tuple[PostCase, ...] = (
    # -- media approvals
    PostCase(
        "reencoded",
        "{everyday}\n" + X_CONTACT,
        media=Photo(LANDSCAPE, "file", "x", "approved_reencoded_680", width=680),
        clear=("school_contact_details",),
    ),
    PostCase(
        "reencoded_large",
        "{civic}",
        (("civic", Choice(text.NEUTRAL_CIVIC_POSTS)),),
        media=Photo(LANDSCAPE, "file", "any", "approved_reencoded_same_width", width=1024, quality=70),
        clear=("civic_neutral",),
    ),
    PostCase(
        "exif",
        "Well done {pupil.known_as} for reading 100 books this term! 📚 {info.hashtag}",
        pupil="any",
        media=Photo(PORTRAIT, "file", "x", "exif_orientation_original", rotated=True, width=680),
        clear=("forename_only",),
    ),
    PostCase(
        "by_post_id",
        "{everyday}",
        media=Photo(SMALL, "post", "x", "approved_by_post_id", alt=GENERIC),
    ),
    PostCase(
        "file_and_post",
        "{everyday}",
        media=Photo(LANDSCAPE, "file and post", "x", "approved_file_and_post_id"),
    ),
    # The registers also take approvals for other channels (e.g. "website", docs/contracts/registers.md), but
    # independent dataset checkers accept only x | youtube | any: the approval for another channel is a
    # YouTube-only one.
    PostCase(
        "other_platform",
        "{everyday}",
        media=Photo(LANDSCAPE, "file", "youtube", "youtube_only_approval_on_x"),
    ),
    PostCase("unapproved", "{everyday}", media=Photo(SMALL, "none", None, "unapproved_new", alt=GENERIC)),
    PostCase(
        "same_event",
        "{everyday}",
        media=Photo(LANDSCAPE, "another take", "any", "same_event_different_shot"),
    ),
    PostCase(
        "carousel_with_unapproved",
        "{everyday}",
        media=Carousel(3, ("x", "any"), "carousel_approved_image", slipped="carousel_unapproved_image"),
    ),
    PostCase(
        "carousel_staff_named",
        "A huge thank you to {member.title} {member.forename} {member.surname} for organising our wonderful"
        " {event}! 🎉",
        (("member", NamedStaff()), ("event", Choice(("summer fair", "sports day", "trip", "concert")))),
        media=Carousel(3, ("x", "any"), "carousel_approved_image"),
        clear=("staff_named",),
    ),
    PostCase(
        "video_post_id",
        "Watch our Year {year} choir! 🎶",
        (("year", Number(1, 6)),),
        media=Clip("post", "x", "video_approved_by_post_id"),
        caption="before upload",
    ),
    PostCase(
        "video_file",
        "Highlights from our {event} 🎥",
        (("event", Choice(("sports day", "dance festival", "Christmas fair"))),),
        media=Clip("file", "any", "video_preview_matches_file"),
        caption="before upload",
    ),
    PostCase(
        "video_unapproved",
        "Look at this amazing performance! 🎭",
        media=Clip("none", None, "video_unapproved"),
    ),
    # -- consent
    PostCase(
        "consent_withdrawn",
        "{everyday}",
        media=Photo(
            LANDSCAPE, "file", "x", "approved_file_pictures_withdrawn", pictured=Crowd("withdrawn", 2)
        ),
    ),
    PostCase(
        "consent_left",
        "Throwback to a brilliant day a few years ago! #ThrowbackThursday {info.hashtag}",
        media=Photo(SMALL, "post", "x", "approved_post_pictures_left_pupil", pictured=Crowd("left", 1)),
    ),
    # -- pupils named
    PostCase(
        "named_with_media",
        "Huge congratulations to {pupil.known_as} {pupil.surname} in Year {pupil.year_group} who won the"
        " {info.town} chess tournament! 🏆 {info.hashtag}",
        pupil="photo consent",
        media=Photo(LANDSCAPE, "file", "x", "approved_reencoded_680", pictured="pupil"),
        finding=PlantedFinding("pupil-named", "easy", "full_name_text_with_media"),
    ),
    PostCase(
        "surname_first",
        "Star of the week in {cls} class: {pupil.surname}, {pupil.known_as}! ⭐ Brilliant effort all week.",
        (("cls", Choice(names.CLASS_NAMES[:14])),),
        pupil="any",
        finding=PlantedFinding("pupil-named", "medium", "surname_first_no_media"),
    ),
    PostCase(
        "alt_text",
        "Swimming certificates this week! 🏊 {info.hashtag}",
        pupil="goes by another name",
        media=Photo(
            LANDSCAPE,
            "file",
            "any",
            "approved_reencoded_680",
            pictured="pupil",
            alt="{pupil.preferred_name} {pupil.surname} holding a swimming certificate",
        ),
        finding=PlantedFinding("pupil-named", "medium", "alt_text_preferred_name"),
    ),
    PostCase(
        "hashtag",
        "So proud of our spelling bee champion! 🐝 #WellDone{tag} {info.hashtag}",
        (("tag", NameTag()),),
        pupil="any",
        finding=PlantedFinding("pupil-named", "medium", "hashtag_full_name"),
    ),
    PostCase(
        "diminutive",
        "What a match! {nick} {pupil.surname} scored the winning goal for our Year {pupil.year_group} team ⚽",
        (("nick", Nickname()),),
        pupil="forename has diminutives",
        finding=PlantedFinding("pupil-named", "medium", "diminutive_surname"),
    ),
    # -- contact details and politics
    PostCase(
        "mobile",
        "Lost a blue lunchbox on the trip? Text {member.title} {member.surname} on {number} to collect it.",
        (("member", StaffMember()), ("number", PersonalMobile())),
        finding=PlantedFinding("contact-details", "easy", "personal_mobile"),
    ),
    PostCase(
        "email",
        "Volunteers needed for the summer fair! Please email our PTA chair at {address} 🎪",
        (("parent", AnyParent()), ("address", PersonalEmail("parent"))),
        finding=PlantedFinding("contact-details", "easy", "personal_email"),
    ),
    PostCase(
        "political",
        "{post}",
        (
            (
                "candidate",
                FullName(("Helen", "Gary", "Priya", "Tom"), ("Ashby", "Moreton", "Kaplan", "Rudd")),
            ),
            ("post", Template(text.POLITICAL_POSTS)),
            ("party", Choice(text.PARTIES)),
            ("ward", Derived("{info.town} Central")),
        ),
        finding=PlantedFinding("political-content", "medium", "party_political"),
    ),
)

YOUTUBE_VIDEOS: tuple[VideoCase, ...] = (
    VideoCase(
        "thumbnail_by_video_id",
        VIDEO_4_3,
        "post",
        "youtube",
        "approved_by_video_id",
        description="{everyday}\n" + YOUTUBE_CONTACT,
        kids=False,
        clear=("school_contact_details",),
    ),
    VideoCase("thumbnail_file_any", LANDSCAPE, "file", "any", "thumbnail_matches_file_any", kids=True),
    VideoCase(
        "forename_title",
        LANDSCAPE,
        "file",
        "youtube",
        "thumbnail_matches_file",
        kids=False,
        edit=Edit(pupil="any", title="{pupil.known_as}'s Reading Challenge Celebration"),
        clear=("forename_only",),
    ),
    VideoCase(
        "named_title",
        VIDEO_4_3,
        "none",
        None,
        "thumbnail_unapproved",
        pupil="year 6",
        title="Summer Concert {published.year}: solo by {pupil.known_as} {pupil.surname}",
        kids=False,
        finding=PlantedFinding("pupil-named", "easy", "full_name_video_title"),
    ),
    VideoCase("x_approval", LANDSCAPE, "file", "x", "x_only_approval_on_youtube", kids=False),
    VideoCase(
        "consent_refused",
        VIDEO_4_3,
        "post",
        "youtube",
        "approved_video_pictures_refused",
        pictured=Crowd("refused", 2),
    ),
    VideoCase(
        "mobile",
        VIDEO_4_3,
        "post",
        "youtube",
        "approved_by_video_id",
        description="{everyday}\n" + YOUTUBE_CONTACT,
        kids=False,
        edit=Edit(
            draws=(("member", StaffMember()), ("line", Number(100, 999))),
            description="Tickets for the summer show from {member.title} {member.surname}: text 07700 900{line}.",
        ),
        finding=PlantedFinding("contact-details", "easy", "personal_mobile_description"),
    ),
    VideoCase(
        "political",
        LANDSCAPE,
        "file",
        "any",
        "thumbnail_matches_file_any",
        kids=False,
        edit=Edit(
            draws=(("party", Choice(text.PARTIES)),),
            description="Our Year 6 debate. Don't forget to vote {party} in the council elections on Thursday! 🗳️",
        ),
        finding=PlantedFinding("political-content", "medium", "party_political_description"),
    ),
)

# The sports account's: its own photos and reposts of the approved media register's (planting.Repost).
SPORTS_X_POSTS: tuple[PostCase, ...] = (
    PostCase(
        "sports_repost",
        "{everyday}",
        media=Repost("approved", "sports_repost_of_approved_photo", alt="Our team lined up before the match"),
    ),
    PostCase(
        "sports_beside_approved",
        "{everyday}",
        media=Repost("approved", "carousel_approved_image", alt=GENERIC, beside="carousel_unapproved_image"),
    ),
    PostCase(
        "sports_unapproved",
        "{everyday}",
        media=Photo(SMALL, "none", None, "unapproved_new", alt=GENERIC),
        caption="first",
    ),
    PostCase(
        "sports_video",
        "Sports day highlights! 🎥 {info.hashtag}",
        media=Clip("none", None, "video_unapproved"),
    ),
    PostCase(
        "sports_named",
        "Congratulations to {pupil.known_as} {pupil.surname} in Year {pupil.year_group}, our {info.town}"
        " cross-country champion! 🏃 {info.hashtag}",
        pupil="years 4 to 6",
        finding=PlantedFinding("pupil-named", "easy", "sports_full_name_no_media"),
    ),
    PostCase(
        "sports_forename",
        "Player of the match: {pupil.known_as}! Brilliant effort in goal ⚽",
        pupil="any",
        clear=("forename_only",),
    ),
    PostCase(
        "sports_consent_missing",
        "{everyday}",
        media=Repost("consent missing", "sports_repost_pictures_consent_missing", alt=GENERIC),
    ),
    PostCase(
        "sports_other_platform",
        "{everyday}",
        media=Repost("youtube only", "youtube_only_approval_on_x"),
        caption="before upload",
    ),
)
