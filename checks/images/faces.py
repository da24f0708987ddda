"""Whether a picture shows people: faces *detected* (counted and located), never recognised.

Nothing here can tell one face from another: the detector answers "a face-like pattern is here", with no template,
crop or embedding of whose face it is (matching faces would be special-category biometric processing of children,
UK GDPR Art. 9). Only the boxes leave this module.

The detector is OpenCV's Viola-Jones Haar cascade `haarcascade_frontalface_default.xml`, shipped inside the
opencv-python-headless wheel (`cv2.data`; OpenCV 5 dropped the cascades, so the pin stays below 5). YuNet, the
better CNN detector, is not shipped in any wheel of the package index: its model would have to be downloaded.
Measured when it was chosen: the default cascade found the face in scikit-image's astronaut photograph and 76
of scikit-image's 100 Labeled Faces in the Wild crops, none of its 100 non-face crops, at ~16 ms a picture.
"""

from __future__ import annotations

import cv2
import numpy as np

from checks.images.lending import Shelf

CASCADE = "haarcascade_frontalface_default.xml"
# Searched at this size (longest side): the search costs a fifth of what it does at 800 px with OpenCV's defaults.
SEARCH_SIDE = 400
SCALE_STEP = 1.2
MIN_NEIGHBOURS = 4
# The cascade's window is 24 px and grows by SCALE_STEP: the smallest window searched is the first at or above this
# many pixels, 24 x 1.2 = 28.8 (7% of the search side: a smaller face is not counted). The 24 px window alone was a
# sixth of the search's time on the sample schools' images and found no face there the larger windows did not.
MIN_FACE = 28  # pixels, at the search size

# One process reads one image per thread; OpenCV's own thread pool would only compete with them.
cv2.setNumThreads(1)


def detector_name() -> str:
    return f"opencv {cv2.__version__} {CASCADE}"


def _cascade() -> cv2.CascadeClassifier:
    found = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)  # type: ignore[attr-defined]
    if found.empty():
        raise RuntimeError(f"OpenCV's {CASCADE} did not load from {cv2.data.haarcascades}")  # type: ignore[attr-defined]
    return found


# A classifier is not documented as safe to share between threads: each is lent to one reading at a time.
detectors: Shelf[cv2.CascadeClassifier] = Shelf(_cascade)


def detect_faces(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Faces in a grayscale picture (H x W, uint8) as (x, y, width, height) in its own pixels, left to right."""
    scale = min(1.0, SEARCH_SIDE / max(gray.shape))
    small = gray
    if scale < 1.0:
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    equalised = cv2.equalizeHist(np.ascontiguousarray(small, dtype=np.uint8))
    with detectors.lent() as detector:
        found = detector.detectMultiScale(
            equalised,
            scaleFactor=SCALE_STEP,
            minNeighbors=MIN_NEIGHBOURS,
            minSize=(MIN_FACE, MIN_FACE),
        )
    boxes = [tuple(round(int(v) / scale) for v in box) for box in (found if len(found) else [])]
    return sorted(boxes)  # type: ignore[arg-type]
