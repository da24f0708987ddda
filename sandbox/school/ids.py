"""Platform ids for the sample school's objects: X snowflakes, YouTube channel and video ids."""

from __future__ import annotations

import random
from datetime import UTC, datetime

X_EPOCH_MS = 1288834974657  # 2010-11-04: X ids after this are snowflakes (time in the top bits)
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def x_id_for(created: datetime, rng: random.Random) -> str:
    """An X id that is plausible for an object created at `created` (posts, users, media)."""
    ms = int(created.timestamp() * 1000)
    if ms >= X_EPOCH_MS:
        return str(((ms - X_EPOCH_MS) << 22) | rng.getrandbits(22))
    # Before snowflakes, user ids were a counter: about 1e6 in 2007, 2e8 by late 2010.
    start = datetime(2006, 3, 21, tzinfo=UTC).timestamp() * 1000
    share = max(0.0, (ms - start) / (X_EPOCH_MS - start))
    return str(int(1_000 + share**2 * 215_000_000) + rng.randrange(1000))


def token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_B64URL) for _ in range(length))


def yt_channel_id(rng: random.Random) -> str:
    # 16 random bytes in base64url: 21 free characters and a last one carrying the final 2 bits.
    return "UC" + token(rng, 21) + rng.choice("AQgw")


def yt_video_id(rng: random.Random) -> str:
    # 64 bits in base64url: 10 free characters and a last one carrying the final 4 bits.
    return token(rng, 10) + rng.choice("AEIMQUYcgkosw048")
