"""X's media upload as tweepy 4.17 sends it (`API.media_upload`: v1.1 `POST media/upload.json` on the upload host,
one multipart request for an image, or INIT, APPEND, FINALIZE for a chunked one; `GET ... command=STATUS`), checked
as X checks it: a signed user context made for the upload host whose token may write; JPEG, PNG, WebP or GIF only;
an image at most 5 MB (a GIF 15 MB, chunked), an APPEND chunk at most 5 MB, segments adding up to the size INIT
declared; a media id usable by its uploader (and the `additional_owners` named) for 24 hours.

The image X serves back is not the file sent: it is decoded, turned upright, stripped of its metadata and re-encoded
(JPEG, or PNG when it has transparency). Errors are v1.1's (`{"errors": [{"code", "message"}]}`), not v2's."""

from __future__ import annotations

import io
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from urllib.parse import parse_qs

from PIL import Image, ImageOps, UnidentifiedImageError

from sandbox.http import ApiError, ApiRequest, Reply, json_reply
from sandbox.x.oauth import UPLOAD_HOSTS, OAuthVerifier, UserContext

UPLOAD_PATH = "/1.1/media/upload.json"
MB = 1024 * 1024
IMAGE_MAX_BYTES = 5 * MB
GIF_MAX_BYTES = 15 * MB
CHUNK_MAX_BYTES = 5 * MB
# A request carries one image or chunk and its form fields.
MAX_REQUEST_BYTES = CHUNK_MAX_BYTES + 64 * 1024
MAX_SEGMENTS = 1000
EXPIRES_AFTER_SECS = 24 * 60 * 60
# A file whose header claims more pixels than this is not decoded (a decompression bomb).
MAX_PIXELS = 8192 * 8192
LONGEST_SIDE = 4096
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
WRITE_LEVELS = ("read-write", "read-write-directmessages")
X_EPOCH_MS = 1288834974657


def v1_error(status: int, code: int, message: str) -> Reply:
    return json_reply(status, {"errors": [{"code": code, "message": message}]})


def not_authenticated() -> Reply:
    return v1_error(401, 32, "Could not authenticate you.")


def invalid_media(message: str) -> Reply:
    return v1_error(400, 324, message)


class Snowflakes:
    """Ids as X makes them: milliseconds since X's epoch, then a sequence, so a later id is a larger one."""

    def __init__(self) -> None:
        self._sequence = itertools.count()
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            sequence = next(self._sequence) % 4096
        return str(((int(time.time() * 1000) - X_EPOCH_MS) << 22) | (1 << 12) | sequence)


@dataclass(frozen=True)
class Picture:
    """An image as X serves it once processed."""

    served: bytes
    extension: str
    kind: str  # "photo" or "animated_gif"
    width: int
    height: int
    sent_type: str  # the uploaded file's type
    sent_bytes: int


@dataclass
class Upload:
    media_id: str
    owners: frozenset[str]
    started: float
    media_type: str = ""
    total_bytes: int = 0
    segments: dict[int, bytes] = field(default_factory=dict)
    picture: Picture | None = None

    @property
    def media_key(self) -> str:
        prefix = "16" if self.picture is not None and self.picture.kind == "animated_gif" else "3"
        return f"{prefix}_{self.media_id}"


def process(data: bytes, declared_type: str = "") -> Picture:
    """The image X would serve for these bytes, or an ApiError saying why X refuses them."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = FORMATS.get(image.format or "")
            if kind is None:
                raise ApiError(invalid_media("Unsupported media type."))
            if declared_type and declared_type != kind:
                raise ApiError(invalid_media(f"The file is {kind}, not the {declared_type} INIT declared."))
            if image.width * image.height > MAX_PIXELS:
                raise ApiError(invalid_media("Image dimensions are too large."))
            limit = GIF_MAX_BYTES if kind == "image/gif" else IMAGE_MAX_BYTES
            if len(data) > limit:
                raise ApiError(invalid_media(f"File size exceeds {limit} bytes."))
            if kind == "image/gif" and getattr(image, "n_frames", 1) > 1:
                return Picture(data, "gif", "animated_gif", image.width, image.height, kind, len(data))
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ApiError(invalid_media("Image file is corrupted.")) from error
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    transparent = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    out = io.BytesIO()
    if transparent:
        upright.convert("RGBA").save(out, "PNG")
        extension = "png"
    else:
        upright.convert("RGB").save(out, "JPEG", quality=85)
        extension = "jpg"
    return Picture(out.getvalue(), extension, "photo", upright.width, upright.height, kind, len(data))


def _form(request: ApiRequest) -> tuple[dict[str, str], bytes | None]:
    """The request's parameters (query, then form or multipart fields) and the `media` file part, if any."""
    fields = dict(request.query)
    media: bytes | None = None
    content_type = request.content_type.split(";", 1)[0].strip().lower()
    if content_type == "multipart/form-data":
        message = BytesParser().parsebytes(
            b"Content-Type: " + request.content_type.encode("latin-1") + b"\r\n\r\n" + request.body
        )
        parts = message.get_payload() if message.is_multipart() else None
        if not isinstance(parts, list):
            raise ApiError(v1_error(400, 38, "media parameter is missing."))
        for part in parts:
            if not isinstance(part, Message):
                continue
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            if name == "media":
                media = payload
            else:
                fields[name] = payload.decode("utf-8", "replace")
    elif request.body:
        try:
            parsed = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError as error:
            raise ApiError(v1_error(400, 44, "The request body is not form-encoded text.")) from error
        fields.update({name: ",".join(values) for name, values in parsed.items()})
    return fields, media


class MediaUploads:
    """The uploads the sandbox holds, by media id, and the route that takes them."""

    def __init__(
        self, verifier: OAuthVerifier, ids: Snowflakes, clock: Callable[[], float] = time.time
    ) -> None:
        self.verifier = verifier
        self.ids = ids
        self.clock = clock
        self._lock = threading.Lock()
        self._uploads: dict[str, Upload] = {}

    def _uploader(self, request: ApiRequest) -> UserContext:
        try:
            context = self.verifier.user_context(request, UPLOAD_HOSTS)
        except ApiError as error:
            raise ApiError(not_authenticated()) from error
        if self.verifier.access.x_access_level(context.token) not in WRITE_LEVELS:
            raise ApiError(v1_error(403, 220, "Your credentials do not allow access to this resource."))
        return context

    def usable(self, media_id: str, user_id: str) -> Upload | None:
        """The finished upload `user_id` may attach, while it has not expired."""
        with self._lock:
            upload = self._uploads.get(media_id)
        if upload is None or upload.picture is None or user_id not in upload.owners:
            return None
        return upload if self.clock() - upload.started < EXPIRES_AFTER_SECS else None

    def _held(self, fields: dict[str, str], user_id: str) -> Upload:
        media_id = fields.get("media_id", "")
        with self._lock:
            upload = self._uploads.get(media_id)
        if (
            upload is None
            or user_id not in upload.owners
            or self.clock() - upload.started >= EXPIRES_AFTER_SECS
        ):
            raise ApiError(invalid_media("Invalid media id."))
        return upload

    def _start(self, context: UserContext, fields: dict[str, str]) -> Upload:
        others = {o.strip() for o in fields.get("additional_owners", "").split(",") if o.strip()}
        if len(others) > 100 or not all(o.isdigit() for o in others):
            raise ApiError(v1_error(400, 44, "additional_owners must name at most 100 user ids."))
        upload = Upload(self.ids.next(), frozenset({context.user_id, *others}), self.clock())
        with self._lock:
            # Expired uploads are forgotten, so what a client may leave here is a day's worth at most.
            for media_id in [
                m for m, u in self._uploads.items() if upload.started - u.started >= EXPIRES_AFTER_SECS
            ]:
                del self._uploads[media_id]
            self._uploads[upload.media_id] = upload
        return upload

    def _answer(self, upload: Upload) -> Reply:
        body: dict[str, object] = {
            "media_id": int(upload.media_id),
            "media_id_string": upload.media_id,
            "media_key": upload.media_key,
            "expires_after_secs": max(0, int(upload.started + EXPIRES_AFTER_SECS - self.clock())),
        }
        if upload.picture is not None:
            body["size"] = upload.picture.sent_bytes
            body["image"] = {
                "image_type": upload.picture.sent_type,
                "w": upload.picture.width,
                "h": upload.picture.height,
            }
        return json_reply(200, body)

    def upload(self, request: ApiRequest) -> Reply:
        """POST media/upload.json: a whole image, or one command of a chunked upload."""
        context = self._uploader(request)
        fields, media = _form(request)
        command = fields.get("command")
        if command is None:
            if media is None:
                return v1_error(400, 38, "media parameter is missing.")
            upload = self._start(context, fields)
            upload.picture = process(media)
            return self._answer(upload)
        if command == "INIT":
            return self._init(context, fields)
        if command == "APPEND":
            return self._append(context, fields, media)
        if command == "FINALIZE":
            return self._finalize(context, fields)
        return v1_error(400, 44, f"command {command!r} is not one of INIT, APPEND, FINALIZE, STATUS.")

    def _init(self, context: UserContext, fields: dict[str, str]) -> Reply:
        media_type = fields.get("media_type", "")
        total = fields.get("total_bytes", "")
        if media_type not in FORMATS.values():
            return invalid_media("Unsupported media type.")
        limit = GIF_MAX_BYTES if media_type == "image/gif" else IMAGE_MAX_BYTES
        if not total.isdigit() or not 0 < int(total) <= limit:
            return invalid_media(f"File size exceeds {limit} bytes.")
        upload = self._start(context, fields)
        upload.media_type, upload.total_bytes = media_type, int(total)
        return self._answer(upload)

    def _append(self, context: UserContext, fields: dict[str, str], media: bytes | None) -> Reply:
        upload = self._held(fields, context.user_id)
        index = fields.get("segment_index", "")
        if media is None:
            return v1_error(400, 38, "media parameter is missing.")
        if not index.isdigit() or int(index) >= MAX_SEGMENTS:
            return invalid_media("segment_index must be between 0 and 999.")
        if len(media) > CHUNK_MAX_BYTES or upload.picture is not None or not upload.total_bytes:
            return invalid_media("Invalid media id." if upload.picture else "Segment size is invalid.")
        with self._lock:
            upload.segments[int(index)] = media
        return Reply(204, b"", "text/plain")

    def _finalize(self, context: UserContext, fields: dict[str, str]) -> Reply:
        upload = self._held(fields, context.user_id)
        if upload.picture is None:
            with self._lock:
                data = b"".join(upload.segments[i] for i in sorted(upload.segments))
            if not upload.total_bytes or len(data) != upload.total_bytes:
                return invalid_media("Segments do not add up to provided total file size.")
            upload.picture = process(data, upload.media_type)
            upload.segments.clear()
        return self._answer(upload)

    def status(self, request: ApiRequest) -> Reply:
        """GET media/upload.json?command=STATUS: an image is ready when FINALIZE answers, so there is no
        processing to report; X answers a media id it is not processing with an error."""
        context = self._uploader(request)
        fields, _ = _form(request)
        if fields.get("command") != "STATUS":
            return v1_error(400, 44, "command must be STATUS.")
        self._held(fields, context.user_id)
        return invalid_media("Invalid mediaId.")

    @staticmethod
    def new_url() -> str:
        """Where X's CDN serves a photo: a random name, not the media id."""
        return "https://pbs.twimg.com/media/" + secrets.token_urlsafe(11)[:15]
