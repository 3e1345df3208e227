"""Regenerate the demo inputs that are awkward to edit by hand: legacy encodings and binary files.

The outputs are committed next to this script (they are small); run it again after editing a
text below, or with ``--check`` to verify that the committed files still match what it writes:

    python examples/make_bad.py          # rewrite the files
    python examples/make_bad.py --check  # exit 1 if a committed file differs

Everything is deterministic: the "random" bytes come from SHA-256 of a fixed seed, not from
``random``, so every Python version and machine writes the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Small on purpose: enough bytes that a sniffer sees NULs and invalid UTF-8, small enough for git.
BINARY_TAIL_BYTES = 600
BINARY_SEED = b"rasd-examples-binary-v1"

MANBIJ_CP1256 = """\
أسعار المحروقات في ريف حلب الشرقي تعود إلى الارتفاعافتتاح مركز لتسجيل العائدين في الباب

بعد معارك استمرت أياماً..

فصائل الجيش الوطني تسيطر على منبج وقسد تنسحب إلى شرق الفرات

مقاتلون من الجيش الوطني السوري عند مدخل مدينة منبج الغربي - كانون الأول 2024 (البادية بوست)

أعلنت فصائل "الجيش الوطني السوري" المنضوية في غرفة عمليات "فجر الحرية" سيطرتها الكاملة على مدينة منبج في ريف حلب الشرقي، أمس الاثنين، بعد اشتباكات عنيفة مع قوات سوريا الديمقراطية (قسد) استمرت عدة أيام على أطراف المدينة.

وقالت غرفة العمليات في بيان اليوم الثلاثاء 10 كانون الأول 2024 إن مقاتليها دخلوا مركز المدينة وسيطروا على المباني الحكومية، بعد أن انسحبت قسد باتجاه سد تشرين وشرق نهر الفرات.

وبحسب المرصد السوري لحقوق الإنسان، قُتل في المعارك أكثر من 20 مقاتلاً من الطرفين، إضافة إلى مدنيين اثنين سقطا بقذائف على حي الحزاونة.

إعلان

وأفادت مصادر محلية بأن عشرات من مقاتلي "مجلس منبج العسكري" انشقوا عن قسد خلال المعارك وانضموا إلى الفصائل، وهو ما نفته قسد، مؤكدة أن الانسحاب جرى "وفق اتفاق برعاية أمريكية لوقف إطلاق النار".

وخرج عشرات من سكان منبج إلى ساحة المدينة احتفالاً، بينما غادرت عائلات كردية أحياءها نحو مدينة الطبقة خشية عمليات انتقامية.

ومن المتوقع أن تتجه الفصائل نحو محيط سد تشرين خلال الأيام المقبلة، بحسب ما نقلته "البادية بوست" عن قيادي ميداني.

المصدر: البادية بوست
"""

RUSSIA_UTF16 = """\
وفد روسي رفيع يصل إلى دمشق في أول زيارة منذ سقوط الأسد

وفد روسي رفيع يصل إلى دمشق في أول زيارة منذ سقوط الأسد

وصل وفد روسي برئاسة نائب وزير الخارجية ميخائيل بوغدانوف إلى العاصمة السورية دمشق، اليوم الثلاثاء 28 كانون الثاني/يناير 2025، في أول زيارة لمسؤولين روس منذ سقوط نظام بشار الأسد في كانون الأول الماضي.

والتقى الوفد الرئيس السوري أحمد الشرع ووزير الخارجية أسعد الشيباني، وبحث الجانبان مستقبل العلاقات بين البلدين ووضع القاعدتين الروسيتين في حميميم وطرطوس، وفق ما أفادت به وكالة سانا.

وقالت الإدارة السورية في بيان إن "إعادة بناء الثقة تتطلب من روسيا معالجة أخطاء الماضي"، في إشارة إلى دعم موسكو العسكري للنظام السابق.

وفي الأثناء، أظهرت صور أقمار صناعية نشرتها شركة أمريكية خاصة سفناً روسية تحمل معدات عسكرية في ميناء طرطوس، في ما عدّته تقارير أولية استعداداً لسحب جزء من القوات، وهو ما لم تؤكده موسكو.

وقال المتحدث باسم الكرملين إن بلاده "تواصل الحوار مع السلطات الجديدة في دمشق"، رافضاً الخوض في تفاصيل مصير القاعدتين.

ومن المتوقع أن تستأنف المباحثات بين الجانبين على مستوى الخبراء خلال الأسابيع المقبلة، بحسب مصدر دبلوماسي روسي.

(أ ف ب)

اقرأ أيضاً

• ماذا بقي من الوجود العسكري الروسي في سوريا؟
• الشيباني: لا مكان لقواعد أجنبية دون اتفاق يحفظ مصالح السوريين
• سفن روسية تغادر ميناء طرطوس باتجاه البحر المتوسط

المصدر: المشرق 24
"""


def binary_bytes() -> bytes:
    """PNG signature followed by a deterministic pseudo-random tail (SHA-256 counter stream)."""
    tail = b""
    counter = 0
    while len(tail) < BINARY_TAIL_BYTES:
        tail += hashlib.sha256(BINARY_SEED + counter.to_bytes(4, "big")).digest()
        counter += 1
    return PNG_SIGNATURE + tail[:BINARY_TAIL_BYTES]


def outputs() -> dict[Path, bytes]:
    """Every generated file, path relative to this folder mapped to its exact bytes."""
    return {
        Path("17_manbij_capture_cp1256.txt"): MANBIJ_CP1256.encode("cp1256"),
        Path("18_russian_delegation_utf16.txt"): RUSSIA_UTF16.encode("utf-16"),
        Path("bad/empty.txt"): b"",
        Path("bad/binary_as_page.txt"): binary_bytes(),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with --check report the ones whose committed bytes differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for rel, data in outputs().items():
        path = HERE / rel
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(str(rel))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel in stale:
        print(f"stale: {rel}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
