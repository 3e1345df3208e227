"""Our own Arabic sentences for the reader tests (imitating news pages; copied from no corpus)."""
from __future__ import annotations

from pathlib import Path

#: ../shared relative to the repository root (tests/ingest/ -> repo root is parents[2]).
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

BODY_AR = (
    "قالت مصادر محلية إن اشتباكات عنيفة اندلعت مساء الثلاثاء بين فصيلين مسلحين في ريف حلب الشمالي، "
    "ما أدى إلى مقتل أربعة عناصر وإصابة آخرين.\n\n"
    "وأضافت المصادر أن الطرق المؤدية إلى البلدة أغلقت بالكامل، فيما نزحت عشرات العائلات نحو القرى المجاورة."
)
TITLE_AR = "اشتباكات بين فصيلين في ريف حلب الشمالي"
BODY_EN = "Clashes broke out between two armed factions north of Aleppo on Tuesday, sources said."
