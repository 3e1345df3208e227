"""Exact and near-duplicate detection on our own Arabic sentences."""
import random

from rasd.link.dedup import (
    DedupOptions, NearDuplicateIndex, content_hash, signature, signature_bytes, signature_from_bytes,
)

STORY = (
    "أعلنت فصائل المعارضة صباح اليوم سيطرتها على بلدة كفرنبودة في ريف حماة الشمالي بعد اشتباكات "
    "استمرت عدة ساعات مع قوات النظام، وقالت مصادر ميدانية إن المقاتلين دخلوا البلدة من محورين. "
    "وأفاد المرصد السوري لحقوق الإنسان بمقتل سبعة عناصر من الطرفين وإصابة آخرين، فيما نزحت عشرات "
    "العائلات نحو المخيمات القريبة من الحدود التركية. وتأتي هذه التطورات بعد أسبوع من القصف المتبادل."
)
OTHER = (
    "افتتحت وزارة التربية في دمشق مدرسة جديدة في حي المزة بحضور عدد من المسؤولين، وأكد الوزير أن "
    "الوزارة تعمل على ترميم المدارس المتضررة في المحافظات كافة خلال العام الدراسي المقبل، وأن خطة "
    "التأهيل تشمل أكثر من مئة مدرسة في الأرياف."
)


def test_exact_key_ignores_diacritics_spacing_punctuation():
    assert content_hash("سيطرت الفصائلُ على حِمص.") == content_hash("سيطرت  الفصائل على حمص")
    assert content_hash(STORY) != content_hash(OTHER)


def test_lightly_edited_copy_is_near_duplicate():
    edited = STORY.replace("صباح اليوم", "اليوم").replace("سبعة", "7") + " (وكالات)"
    idx = NearDuplicateIndex()
    assert idx.check("a", signature(STORY)) is None
    hit = idx.check("b", signature(edited))
    assert hit is not None and hit[0] == "a" and hit[1] >= 0.8


def test_unrelated_text_is_not_a_duplicate():
    idx = NearDuplicateIndex()
    idx.check("a", signature(STORY))
    assert idx.check("c", signature(OTHER)) is None


def test_signature_round_trip_and_incremental_load():
    opts = DedupOptions()
    sig = signature(STORY, opts)
    back = signature_from_bytes(signature_bytes(sig), opts)
    assert back.jaccard(sig) == 1.0
    idx = NearDuplicateIndex(opts)
    assert idx.load([("a", signature_bytes(sig))]) == 1
    assert idx.check("b", signature(STORY + " آخر تحديث", opts))[0] == "a"


def test_planted_edits_recall():
    rnd = random.Random(7)
    words = STORY.split()
    idx = NearDuplicateIndex()
    idx.check("orig", signature(STORY))
    found = 0
    for i in range(40):
        w = list(words)
        for _ in range(3):  # three small word edits: drop, swap or insert
            j = rnd.randrange(len(w))
            op = rnd.choice(("drop", "swap", "ins"))
            if op == "drop" and len(w) > 5:
                w.pop(j)
            elif op == "swap" and j + 1 < len(w):
                w[j], w[j + 1] = w[j + 1], w[j]
            else:
                w.insert(j, "أيضا")
        hit = idx.candidates(signature(" ".join(w)))
        found += any(cid == "orig" for cid, _ in hit)
    assert found / 40 >= 0.95


def test_compact_index_finds_exactly_what_minhashlsh_finds():
    # signatures of our sentences with words dropped and swapped: many pairs share a band, few
    # reach the threshold; the compact index must return MinHashLSH's candidates, no more, no fewer
    from datasketch import MinHashLSH

    opts = DedupOptions()
    rnd = random.Random(7)
    words = (STORY + " " + OTHER).split()
    lsh, idx, sigs = MinHashLSH(threshold=opts.lsh_threshold, num_perm=opts.num_perm), NearDuplicateIndex(opts), {}
    shared = 0
    for i in range(300):
        w = list(words)
        for _ in range(rnd.randint(0, 40)):
            j = rnd.randrange(len(w) - 1)
            if rnd.random() < 0.5:
                w.pop(j)
            else:
                w[j], w[j + 1] = w[j + 1], w[j]
        sig = signature(" ".join(w), opts)
        expected = sorted(((cid, j) for cid in lsh.query(sig) if (j := sig.jaccard(sigs[cid])) >= opts.threshold),
                          key=lambda t: (-t[1], t[0]))
        assert idx.candidates(sig) == expected
        shared += len(lsh.query(sig))
        lsh.insert(f"d{i}", sig)
        idx.add(f"d{i}", sig)
        sigs[f"d{i}"] = sig
    assert shared > 1000  # the comparison covered many band hits, not an empty index
