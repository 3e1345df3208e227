"""Linking forgets what no later page can reach (issue 11: linking memory and time follow a window,
not the store), and decides exactly as without forgetting. Our own pages and feature sets."""
from datetime import date, timedelta

from rasd.link.fusion import FusionIndex, Member
from rasd.link.stage import Linker, LinkOptions, member_from_row
from rasd.link.stories import StoryIndex
from rasd.store.links import link_pending
from rasd.store.sqlite import SqliteStore
from tests.link.test_link_resume import BODY_D, EDITED_A, fake_embed, snapshot
from tests.link.test_link_store import BODY_A, BODY_B, BODY_C, IDLIB, make_doc, put, withdrawal
from tests.link.test_stories import HOMS_NEWS, HOMS_WIRE, _background

START = date(2024, 1, 6)


def episode(store, k: int, run) -> None:
    """The six pages of one happening over three days, `k` × 20 days after START: a fused pair with a
    dispute, a near and an exact duplicate, a third report, an unrelated page."""
    def day(n):
        return (START + timedelta(days=20 * k + n)).isoformat()

    p = f"k{k}"
    put(store, run, make_doc(p + "a", BODY_A, day(0), [withdrawal(p + "ea", p + "a", BODY_A, "reported", day(0))]))
    put(store, run, make_doc(p + "z", EDITED_A, day(0), [withdrawal(p + "ez", p + "z", EDITED_A, "reported", day(0))]))
    put(store, run, make_doc(p + "b", BODY_B, day(1), [withdrawal(p + "eb", p + "b", BODY_B, "denied")], outlet="وكالة"))
    put(store, run, make_doc(p + "c", BODY_C, day(1), places=(IDLIB,), actors=()))
    put(store, run, make_doc(p + "d", BODY_D, day(2), [withdrawal(p + "ed", p + "d", BODY_D, "reported")], outlet="صحيفة"))
    put(store, run, make_doc(p + "e", BODY_C + " ", day(2), places=(IDLIB,), actors=()))


def stream(path, episodes: range):
    s = SqliteStore(path)
    run = s.begin_run({}, "t")
    for k in episodes:
        episode(s, k, run)
    return s


class Remembering(Linker):
    """The linker as it was: nothing forgotten, everything restored."""

    def _forget(self, day: int) -> None:
        pass

    def start_at(self, published, keep=()) -> None:
        pass


def linker(cls=Linker) -> Linker:
    return cls(LinkOptions(batch_docs=4), embed=fake_embed)


def test_a_long_stream_links_as_without_forgetting_and_holds_only_the_window(tmp_path):
    got, want = stream(tmp_path / "f.db", range(8)), stream(tmp_path / "r.db", range(8))
    forgetting, remembering = linker(), linker(Remembering)
    link_pending(got, forgetting, member_from_row)
    link_pending(want, remembering, member_from_row)
    assert snapshot(got) == snapshot(want)
    # 8 episodes 20 days apart: every earlier episode was fused and storied, then forgotten
    assert len(snapshot(got)["fused_events"]) == 8 * 2
    assert remembering.stories.held() == 48 and len(remembering.fusion) == 16
    assert forgetting.stories.held() == 6          # the last episode's pages (3 days < the window)
    assert len(forgetting.fusion) == 2 * 2         # the fused events of the last 30 days: 2 episodes
    got.close(), want.close()


def test_a_later_run_restores_only_what_its_pages_can_reach_and_links_alike(tmp_path):
    got, want = stream(tmp_path / "f.db", range(6)), stream(tmp_path / "r.db", range(6))
    link_pending(got, linker(), member_from_row)
    link_pending(want, linker(Remembering), member_from_row)
    for s in (got, want):
        run = s.begin_run({}, "t2")
        for k in (6, 7):
            episode(s, k, run)
    forgetting, remembering = linker(), linker(Remembering)
    link_pending(got, forgetting, member_from_row)
    link_pending(want, remembering, member_from_row)
    assert snapshot(got) == snapshot(want)
    # the second run restored the stories' counts but not the features of pages 40+ days back,
    # and none of the fused events their pages cannot reach
    assert len(forgetting.stories) == len(remembering.stories) == 48
    assert forgetting.stories.held() < remembering.stories.held()
    assert len(forgetting.fusion) < len(remembering.fusion)
    got.close(), want.close()


def test_a_run_with_an_undated_page_forgets_nothing_and_links_as_before(tmp_path):
    # an undated page is compared with every page, and its events with every fused event: here a
    # denial of the first episode's withdrawal, undated, must still find it 140 days back
    got, want = stream(tmp_path / "f.db", range(8)), stream(tmp_path / "r.db", range(8))
    for s in (got, want):
        put(s, s.begin_run({}, "t2"), make_doc("u", BODY_B, None, [withdrawal("eu", "u", BODY_B, "denied", "2024-01-06")],
                                             outlet="وكالة"))
    forgetting, remembering = linker(), linker(Remembering)
    link_pending(got, forgetting, member_from_row)
    link_pending(want, remembering, member_from_row)
    assert snapshot(got) == snapshot(want)
    assert forgetting.stories.held() == 49 and len(forgetting.fusion) == len(remembering.fusion)
    members = {r[0]: r[1] for r in snapshot(got)["fused_members"]}
    assert members["eu"] == members["k0ea"]   # the undated denial joined the first episode's event
    got.close(), want.close()


def test_forgotten_story_pages_keep_their_story_and_counts():
    idx = StoryIndex()
    _background(idx)
    idx.add("ar", HOMS_NEWS, "2024-12-08")
    idx.add("wire", HOMS_WIRE, "2024-12-09")
    n = len(idx)
    assert idx.forget_before(date(2024, 12, 20).toordinal()) == n
    assert idx.held() == 0 and idx.story_of("wire") == "st_ar" and len(idx) == n
    # restored pages before the floor count in the frequencies without being held
    idx.restore("late", "st_late", HOMS_NEWS, "2024-12-10")
    assert idx.held() == 0 and "late" in idx and idx._n == n + 1


def _member(eid: str, doc: str, day: str, published: str | None = None, story: str | None = None) -> Member:
    from rasd.document import Event
    ev = Event(id=eid, type="armed_clash", doc_id=doc, location=dict(IDLIB, precision="town"),
               date={"value": day, "precision": "day", "basis": "absolute"},
               actors=({"text": "x", "name": "x", "actor_id": "sy_gov", "role": "actor"},))
    return Member(event=ev, published=published or day, outlet="o", story_id=story or "st_" + doc)


def test_a_fused_event_takes_members_only_from_pages_within_its_reach():
    # a page of the same story recalling the same day joins the fused event 26 days on, not 36
    near, far = FusionIndex(), FusionIndex()
    for idx in (near, far):
        idx.add(_member("e1", "d1", "2024-03-10"))
    assert near.add(_member("e2", "d2", "2024-03-10", "2024-04-05", "st_d1")) == ("e1", True)
    assert far.add(_member("e2", "d2", "2024-03-10", "2024-04-15", "st_d1")) == ("e2", False)


def test_forgotten_fused_events_are_dropped_and_not_restored_unless_kept():
    idx = FusionIndex()
    idx.add(_member("e1", "d1", "2024-03-01"))
    idx.add(_member("e5", "d5", "2024-03-20"))
    assert idx.forget_before(date(2024, 3, 15).toordinal()) == 1
    assert "e1" not in idx and len(idx) == 1 and idx.cluster_of("e5") == "e5"
    idx.restore("old", [_member("e3", "d3", "2024-03-02")])
    assert len(idx) == 1
    idx.keep(["old2"])
    idx.restore("old2", [_member("e4", "d4", "2024-03-02")])
    assert idx.cluster_of("e4") == "old2"


def test_a_linker_that_forgot_refuses_older_pages_instead_of_deciding_them_differently(tmp_path):
    s = stream(tmp_path / "f.db", range(4))
    lk = linker()
    link_pending(s, lk, member_from_row)
    assert lk.stories.held() < len(lk.stories)
    for published in ("2024-01-10", None):   # reaching back before what it kept; undated: everything
        try:
            lk.start_at(published)
        except ValueError as e:
            assert "new Linker" in str(e)
        else:
            raise AssertionError(f"start_at({published!r}) accepted")
    lk.start_at("2024-12-01")   # later pages: fine
    s.close()
