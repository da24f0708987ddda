"""Reading images for real: Tesseract on rendered certificates and a real photographed page, OpenCV's cascade on
real photographs of faces (scikit-image ships them: the astronaut portrait, Labeled Faces in the Wild crops)."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as photos

from checks.images import text
from checks.images.faces import detect_faces
from checks.images.lending import Shelf
from checks.images.reading import ReadOnce, examine, in_parallel, read_picture
from checks.images.text import lines_from_tsv, read_text
from sandbox.school.images import Shot
from sandbox.school.lettering import Lettering, draw
from tests.builders.processes import children

REPO = Path(__file__).resolve().parents[3]


def jpeg(image: Image.Image, quality: int = 80) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def certificate(name: str, seed: int = 3) -> Image.Image:
    lines = ("Star of the Week", "awarded to", name, "Year 4 - for fantastic reading", "Headteacher")
    return draw(Shot(1, "classroom"), Lettering("certificate", lines, seed), 1024, 768)


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_photographed_certificate_is_read_with_the_name_on_its_own_line(seed: int) -> None:
    lines = {line.text: line for line in read_text(gray(certificate("Amelia Khan", seed)))}
    assert "Amelia Khan" in lines
    assert lines["Amelia Khan"].confidence > 0.7
    assert "Star of the Week" in lines


def test_a_real_photographed_page_is_read_and_its_confidences_are_kept() -> None:
    text = " ".join(line.text for line in read_text(photos.page()))
    assert "segmentation" in text and "markers" in text


def test_real_photographs_without_lettering_give_no_text() -> None:
    for picture in (photos.astronaut(), photos.coffee(), photos.chelsea(), photos.rocket()):
        assert read_text(gray(Image.fromarray(picture))) == []


def test_the_face_in_a_real_portrait_is_counted_and_located() -> None:
    ((x, y, width, height),) = detect_faces(gray(Image.fromarray(photos.astronaut())))
    # scikit-image's astronaut: her face is about 90 pixels wide, around (220, 110) in the 512 x 512 picture.
    assert 150 < x + width / 2 < 290 and 60 < y + height / 2 < 170 and 60 < width < 140


@pytest.mark.parametrize(("share", "counted"), [(0.10, True), (0.05, False)])
def test_a_face_is_counted_from_a_share_of_the_pictures_longest_side(share: float, counted: bool) -> None:
    """The astronaut's face (95 px of her 512 x 512 portrait) shrunk to `share` of a 1200 x 900 photograph's
    longest side: at a tenth it is counted; at a twentieth it is under the smallest face searched for (faces.py)."""
    portrait = Image.fromarray(photos.astronaut()).convert("L")
    scale = share * 1200 / 95
    side = round(512 * scale)
    photo = Image.fromarray(photos.coffee()).convert("L").resize((1200, 900))
    photo.paste(portrait.resize((side, side), Image.Resampling.LANCZOS), (100, 50))
    assert bool(detect_faces(np.asarray(photo))) is counted


def test_faces_in_real_photographs_are_found_and_other_pictures_give_none() -> None:
    """scikit-image's Labeled Faces in the Wild subset: 100 face crops then 100 crops of other things (25 x 25,
    shown at 100 x 100 as a face in a post would be)."""
    crops = photos.lfw_subset()
    found = [
        len(detect_faces(np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize((100, 100)))))
        for crop in crops
    ]
    assert sum(n > 0 for n in found[:100]) >= 70
    assert sum(n > 0 for n in found[100:]) == 0
    for picture in (photos.coffee(), photos.chelsea(), photos.rocket(), photos.page()):
        assert detect_faces(gray(Image.fromarray(picture))) == []


def test_a_reading_keeps_text_and_boxes_never_a_face_image() -> None:
    reading = read_picture(Image.fromarray(photos.astronaut()), "ab" * 32)
    assert set(reading) == {"sha256", "reader", "lines", "faces", "error"}
    assert reading["faces"] and all(
        len(box) == 4 and all(isinstance(v, int) for v in box) for box in reading["faces"]
    )
    assert "tesseract" in reading["reader"] and "haarcascade_frontalface_default" in reading["reader"]


def test_examine_decodes_once_for_fingerprints_and_reading_and_reads_only_new_images() -> None:
    data = jpeg(certificate("Oliver Price"))
    read = examine(data, lambda sha: False)
    assert read["sha256"] == hashlib.sha256(data).hexdigest() and read["phash"]
    assert any(line["text"] == "Oliver Price" for line in read["reading"]["lines"])
    assert "reading" not in examine(data, lambda sha: True)
    assert "reading" not in examine(data, None)


def test_read_once_lets_one_thread_read_each_new_image() -> None:
    once = ReadOnce({"old"})
    claims: list[bool] = []
    threads = [threading.Thread(target=lambda: claims.append(once.already_read("new"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == [False] + [True] * 7
    assert once.already_read("old")


def test_texture_read_as_letters_is_not_kept_but_a_misread_word_beside_good_ones_is() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t10\t50\t20\t15.8\ttities",
        "5\t1\t2\t1\t1\t1\t10\t50\t50\t20\t96.0\tSiobhan",
        "5\t1\t2\t1\t1\t2\t70\t50\t50\t20\t27.7\tO'Neill",
        "5\t1\t3\t1\t1\t1\t10\t90\t50\t20\t91.0\t|",
    ]
    (line,) = lines_from_tsv("\n".join([header, *rows]))
    assert (
        line.text == "Siobhan O'Neill" and line.confidences == (0.96, 0.277) and line.box == (10, 50, 110, 20)
    )


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs util-linux unshare")
def test_images_are_read_with_no_network_at_all(tmp_path: Path) -> None:
    """In a network namespace with no interface but loopback down, the engines still read: nothing is fetched."""
    probe = tmp_path / "probe.png"
    certificate("Amelia Khan").save(probe)
    script = (
        "import sys; from PIL import Image; from checks.images.reading import read_picture; "
        f"r = read_picture(Image.open({str(probe)!r}).convert('RGB'), 'x'); "
        "sys.exit(0 if any(l['text'] == 'Amelia Khan' for l in r['lines']) else 3)"
    )
    offline = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if offline.returncode != 0 and "unshare failed" in offline.stderr:
        pytest.skip(f"no network namespaces here: {offline.stderr.strip()}")
    assert offline.returncode == 0, offline.stderr


def test_at_most_the_engines_allowed_are_loaded_however_many_threads_read() -> None:
    engines = Shelf(text.Worker.started, most=2, one_at_a_time=False)
    picture = gray(certificate("Zofia Nowak"))
    lent: set[int] = set()
    read: list[str] = []

    def one(_: int) -> None:
        with engines.lent() as engine:
            lent.add(engine.pid)
            read.append(engine.read(picture))

    in_parallel(one, range(8), workers=6)
    assert len(lent) <= 2 and len(read) == 8
    assert all("Nowak" in tsv for tsv in read)
    for pid in lent:
        os.kill(pid, signal.SIGKILL)  # the test's own workers, not the module's


def test_the_engine_never_loads_into_the_process_that_reads() -> None:
    """The C++ engine runs in worker processes only: nothing it does can write over the pipeline's own memory."""
    assert any(line.text == "Amelia Khan" for line in read_text(gray(certificate("Amelia Khan"))))
    maps = Path("/proc/self/maps").read_text()
    assert "libtesseract" not in maps and "liblept" not in maps
    workers = [Path(f"/proc/{pid}/maps").read_text() for pid in worker_pids()]
    assert workers and all("libtesseract" in m for m in workers)


def test_a_worker_that_dies_loses_no_reading_and_is_never_lent_again() -> None:
    """A native crash, as the kernel delivers it: each worker is killed with SIGSEGV between readings and while one
    reads; every picture is still read, by fresh workers."""
    picture = gray(certificate("Amelia Khan"))
    read_text(picture)
    for pid in worker_pids():
        os.kill(pid, signal.SIGSEGV)
    assert any(line.text == "Amelia Khan" for line in read_text(picture))

    stop = threading.Event()
    killed: set[int] = set()

    def crash_while_reading() -> None:
        while not stop.is_set():
            for pid in worker_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSEGV)
                    killed.add(pid)
            stop.wait(0.05)

    killer = threading.Thread(target=crash_while_reading)
    killer.start()
    try:
        crashed = [reading_or_end(picture) for _ in range(6)]
    finally:
        stop.set()
        killer.join()
    assert all(found in ("Amelia Khan", "ended") for found in crashed)
    while any(alive(pid) for pid in killed):  # a worker killed as the killer stopped has ended
        time.sleep(0.01)
    for _ in range(3):  # killed while waiting, the workers left are never lent: no picture is lost
        assert any(line.text == "Amelia Khan" for line in read_text(picture))


def reading_or_end(picture: np.ndarray) -> str:
    """The name read, or "ended" when the picture ended both workers it was given to."""
    try:
        return next(line.text for line in read_text(picture) if line.text == "Amelia Khan")
    except text.EngineEnded:
        return "ended"


def test_a_picture_that_ends_two_workers_is_that_pictures_error_and_the_next_is_read() -> None:
    from checks.images.reading import read_picture

    picture = certificate("Amelia Khan")
    assert read_picture(picture, "cd" * 32)["error"] is None  # the run checked its engine before reading
    stop = threading.Event()

    def crash_every_worker() -> None:
        while not stop.is_set():
            for pid in worker_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            stop.wait(0.001)

    killer = threading.Thread(target=crash_every_worker)
    killer.start()
    try:
        failed = read_picture(picture, "cd" * 32)
    finally:
        stop.set()
        killer.join()
    assert failed["lines"] == [] and "worker process ended" in failed["error"]
    again = read_picture(picture, "cd" * 32)
    assert again["error"] is None and any(line["text"] == "Amelia Khan" for line in again["lines"])


def alive(pid: int) -> bool:
    """Running still: not gone, not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def worker_pids() -> list[int]:
    """The OCR workers this process started (its children running checks.images.ocr_worker)."""
    found = []
    for pid in children(os.getpid()):
        with contextlib.suppress(OSError):
            if b"checks.images.ocr_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
    return found


def test_a_killed_run_leaves_no_ocr_worker_behind() -> None:
    """kill -9 of the process that reads: its workers see their input close and end (no orphan keeps running)."""
    script = (
        "import os, time; from checks.images import text; text.check_engine(); "
        "print(*[p.pid for p in text.engines._idle], flush=True); time.sleep(120)"
    )
    run = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    workers = [int(pid) for pid in run.stdout.readline().split()]
    assert workers and all(alive(pid) for pid in workers)
    run.kill()
    run.wait()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)


def test_a_missing_model_is_said_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a model directory without eng.traineddata
    with pytest.raises(text.ReaderMissing, match=r"eng\.traineddata.*tesseract-ocr-eng"):
        text.Worker.started()


def test_the_engines_load_while_the_caller_goes_on_and_waiting_answers_as_ready_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from checks.images import reading

    assert reading.getting_ready()() == reading.reader_name()

    loading = threading.Event()

    def missing() -> str:
        loading.wait()
        raise text.ReaderMissing("the OCR engine (libtesseract) is not installed")

    monkeypatch.setattr(reading, "ready", missing)
    waiting = reading.getting_ready()  # returns while the engines are still loading
    loading.set()
    with pytest.raises(text.ReaderMissing, match="not installed"):
        waiting()


def test_work_done_in_parallel_sees_the_callers_context() -> None:
    # Prefect's flow run context is a context variable: a progress line logged from a reading thread belongs to
    # the caller's flow run (without it Prefect warns that a log has no flow run id).
    flow_run = contextvars.ContextVar("flow_run", default="none")
    flow_run.set("the caller's flow run")

    seen = in_parallel(lambda _: flow_run.get(), range(6), workers=3)

    assert seen == ["the caller's flow run"] * 6


def test_a_library_folder_is_hashed_as_settling_would_hash_it_except_files_hashed_before(
    tmp_path: Path,
) -> None:
    from checks.images.reading import fingerprint_library_folder
    from checks.media_hash import fingerprint_approved

    portrait, cat = jpeg(Image.fromarray(photos.astronaut())), jpeg(Image.fromarray(photos.chelsea()))
    (tmp_path / "A001.jpg").write_bytes(portrait)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "A002.jpg").write_bytes(cat)
    (tmp_path / "A003.jpg").write_bytes(b"not a picture")  # left to the register loader to report
    hashed = hashlib.sha256(cat).hexdigest()

    found = fingerprint_library_folder(tmp_path, {hashed}.__contains__, workers=2)

    assert found == {hashlib.sha256(portrait).hexdigest(): fingerprint_approved(portrait)}
    assert found[hashlib.sha256(portrait).hexdigest()]["crops"], "the Instagram crops' hashes too"
