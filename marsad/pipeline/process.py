"""One article through the steps: extract -> analyse -> store (+ index) -> group.

Extract and analyse are ``marsad.pipeline.steps`` (the same functions ``marsad cluster`` runs);
this module adds what needs the store: the source's learned boilerplate, storing, grouping.

``Pipeline.ingest`` is called by the crawler (``marsad.pipeline.crawl``), by ``marsad import``
and by the demo. It is idempotent: an article already stored under any of its URLs or guids is
not stored again (its new source and alias are remembered).

Hand-offs, each durable:

1. store: the article, its countries, entities and signature, its search-index entry and its
   outbox rows (``translate`` when translation is on) in ONE transaction, so a crash leaves
   all of it or none of it and a stored article is always searchable.
2. group: only the holder of the grouping lock (one process at a time, ``Store.acquire_lock``)
   decides stories and copy links, with its clusterer; the lock is checked in each decision's
   own transaction, so a holder that lost it cannot write. The holder decides its own article
   before storing it and writes article and decision in that one transaction (indexed once,
   knowing whether it is a copy). Any other process stores the article with a ``group``
   outbox row; the holder takes those rows oldest first (``drain``: between its own articles
   at most every ``DRAIN_EVERY_SECONDS``, on ``flush`` and ``close``) and writes each decision
   in one transaction with the row's removal. So two processes never keep two story windows
   over one store, and a crash leaves an article either decided or waiting in the outbox. A
   process that takes the lock rebuilds its window from the store first, so it continues the
   previous holder's decisions: from the previous holder's snapshot of its window when no
   decision was made since (``marsad.cluster.snapshot``, saved on ``close`` and by ``flush``
   now and then), else by replaying the stored signatures of the window.
3. translate: the translation worker consumes the ``translate`` rows (``marsad.translate``).

The per-source boilerplate learners are kept in the store (``source_state``) and merged there,
so a restart or a second process extracts with what was learned before.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from marsad.cluster import (
    Assignment,
    ClusterOptions,
    DocumentFrequencies,
    StoryClusterer,
    document_frequencies,
)
from marsad.cluster.recheck import RecheckArticle, RecheckResult, recheck
from marsad.cluster.snapshot import SNAPSHOT_FORMAT, WindowSnapshot, dump_window, load_window
from marsad.cluster.story import StoryView
from marsad.config import Settings
from marsad.dedup import ArticleFeatures, features_from_dict
from marsad.extract import BoilerplateLearner, LanguageDetector
from marsad.extract.langid import default_detector
from marsad.models import (
    AnalysedArticle,
    Article,
    NewArticle,
    Regrouping,
    StoryChange,
)
from marsad.pipeline.steps import (
    Analysed,
    ExtractLimits,
    IncomingArticle,
    analyse_step,
    extract_step,
)
from marsad.search.index import index_in
from marsad.store import Store, utcnow
from marsad.store.alerts import Alerts
from marsad.store.store import (
    GROUPING_LOCK,
    LOCK_SECONDS,
    OUTBOX_ALERT,
    OUTBOX_GROUP,
    OUTBOX_TRANSLATE,
)
from marsad.translate import Translator, names_from_knowledge
from marsad.translate.pipeline_hook import TranslateOnIngest
from marsad.understand import Knowledge, Understanding, load_knowledge

log = logging.getLogger(__name__)

__all__ = ["IncomingArticle", "IngestResult", "Pipeline", "dead_local_owners"]

# Older articles read at start-up for the clusterer's word statistics: bounded, so a big archive
# does not slow a restart (5,000 articles' features load in about a second).
BACKGROUND_ARTICLES = 5_000
# A process without the grouping lock asks for it again at most this often.
LOCK_RETRY_SECONDS = 2.0
# The holder decides its own articles in their storing transaction and looks for articles other
# processes left it (``group`` outbox rows) at most this often between them (and on every
# ``flush``): a look per article was a tenth of an import's store time.
DRAIN_EVERY_SECONDS = 1.0
# How often a pipeline asks whether any reader has an alert rule (with none, grouping decisions
# leave no ``alert`` work: nobody would consume it). A rule made in between misses at most this
# long of story changes.
ALERT_RULES_CHECK_SECONDS = 30.0
# Decisions of a drain written per transaction (as many as a drain reads at a time): one
# transaction per decision made the hand-off about 300 articles/s (bench/pipeline/handoffs
# --parts outbox). A batch is a dozen statements whatever its size (``DecisionBatch``), so a
# bigger one costs less per decision; 500 are written in a fraction of a second (SQLite's
# writer is held that long) and decided in a few (bench/pipeline/holder: ~5 CPU-ms a decision
# at a 20,000-article window), well inside the lock's LOCK_SECONDS.
GROUP_BATCH = 500
# ... and a batch is written sooner when it has been deciding this long since the lock was last
# renewed (each write renews it): on a slow or crowded machine 500 decisions can outlast the
# lock, and holders then took the lock from each other mid-batch forever, each batch refused
# (a 1,000-article chaos run stalled so at 464 grouped).
GROUP_BATCH_SECONDS = LOCK_SECONDS / 3
# Learned boilerplate is merged into the store after this many new articles of a source (and
# when the pipeline closes): a killed process forgets at most this much of what it learned.
BOILERPLATE_SAVE_EVERY = 10
# Lines kept per source in the store (the most frequent ones).
BOILERPLATE_MAX_LINES = 5_000
# ``flush`` saves the grouping window at most this often (``close`` always does): a holder
# killed while idle is succeeded from its snapshot, not by a replay, and a busy one does not
# spend its time writing snapshots (bench/pipeline/handoffs: 11 s for a 100,000-article window
# on a loaded 2-core machine, about 2% of ten minutes).
SNAPSHOT_EVERY_SECONDS = 600.0
# A holder whose window took articles out of publication order re-checks it (the stories and
# copies publication order gives, ``marsad.cluster.recheck``) from ``flush`` at most this often,
# and always on ``close``: one replay of the span from the earliest late article, what a restart
# costs for that span.
RECHECK_EVERY_SECONDS = 60.0
# ... and never spends more than a tenth of its time on them: after a re-check that took T
# seconds the next waits at least 10 T (a 100,000-article window replays in about a minute).
RECHECK_TIME_SHARE = 0.1
# A bigger snapshot is not written (SQLite refuses values over 1 GB; PostgreSQL's bytea too):
# the successor replays instead. The bench's 100,000-article window takes 344 MB.
SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024


@dataclass
class _Batch:
    """Decisions of a drain not written yet: (article id, bundle, assignment, story key)."""

    items: list[tuple[int, AnalysedArticle, Assignment | None, str | None]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool
    understanding: Understanding | None = None
    assignment: Assignment | None = None  # None when another process holds grouping


class Pipeline:
    """Holds the per-process state of the stages: knowledge, language model, story window."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        knowledge: Knowledge | None = None,
        detector: LanguageDetector | None = None,
        translator: Translator | None = None,
        groups: bool = True,
        story_outbox: Sequence[str] | None = None,
    ) -> None:
        """``groups`` False: store only, never ask for the grouping lock nor build a story
        window (a fetch worker beside a grouping holder, ``marsad.scale``). ``story_outbox``:
        outbox kinds written when a grouping decision changes a story; by default ``alert``
        while the ``alerts`` setting is on and some reader has an alert rule (checked every
        ALERT_RULES_CHECK_SECONDS), else none."""
        self.store = store
        self.groups = groups
        self._fixed_story_outbox = None if story_outbox is None else tuple(story_outbox)
        self._alert_rules_checked = -ALERT_RULES_CHECK_SECONDS
        self._alert_rules_exist = False
        self.settings = settings
        self.knowledge = knowledge or load_knowledge(settings.entities_file)
        self.detector = detector or default_detector()
        self.limits = ExtractLimits(settings.extract_timeout, settings.max_body_bytes)
        self.clusterer = StoryClusterer(
            ClusterOptions(
                window_days=settings.cluster_window_days, dedup_threshold=settings.dedup_threshold
            )
        )
        self.names = names_from_knowledge(self.knowledge, source_lang="en")
        self.translation = TranslateOnIngest(
            store, settings, translator=translator, names=self.names
        )
        self._boilerplate: dict[int, BoilerplateLearner] = {}
        self._learned: dict[int, BoilerplateLearner] = {}  # what is not yet merged into the store
        self._story_ids: dict[str, int] = {}  # clusterer story key -> stories.id
        self._article_ids: dict[str, int] = {}  # clusterer article key -> articles.id
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._holding = False
        self._renewed = self._asked = 0.0
        self.lock_retry_seconds = LOCK_RETRY_SECONDS
        self.background_articles = 0
        self.snapshot_loaded = False  # whether the window came from a snapshot
        self._snapshot_current = False  # whether the stored snapshot is this window now
        self._saved_at = self._rechecked_at = time.monotonic()
        self._recheck_seconds = 0.0  # how long the last re-check took
        self._drained_at = 0.0  # when the holder last looked for others' articles
        self._hold_grouping()  # before the restore, so the window starts from the holder's view
        self.restored = self._restore_window() if groups else 0
        if self._holding:
            self.drain()

    # -- public -----------------------------------------------------------------------------
    def story_outbox(self) -> tuple[str, ...]:
        """The outbox kinds a story changed by a grouping decision leaves now (see __init__)."""
        if self._fixed_story_outbox is not None:
            return self._fixed_story_outbox
        if not self.settings.alerts:
            return ()
        now = time.monotonic()
        if now - self._alert_rules_checked >= ALERT_RULES_CHECK_SECONDS:
            self._alert_rules_exist = Alerts(self.store).rules_version()[0] > 0
            self._alert_rules_checked = now
        return (OUTBOX_ALERT,) if self._alert_rules_exist else ()

    def known(self, url: str, *aliases: str) -> bool:
        """True when the article is already stored under ``url`` or an alias."""
        return self.store.find_article_id([url, *aliases]) is not None

    def ingest(self, item: IncomingArticle) -> tuple[Article, bool]:
        """Store ``item`` (once). Returns (article, created)."""
        result = self.ingest_full(item)
        return result.article, result.created

    def store_item(self, item: IncomingArticle) -> bool:
        """Store ``item`` (once); True when it was new. As :meth:`ingest` without reading the
        stored article back (the importer and the crawler only count)."""
        return self._ingest(item)[1]

    def ingest_full(self, item: IncomingArticle) -> IngestResult:
        article_id, created, understanding, assignment = self._ingest(item)
        return IngestResult(self.store.get_article(article_id), created, understanding, assignment)

    def _ingest(
        self, item: IncomingArticle
    ) -> tuple[int, bool, Understanding | None, Assignment | None]:
        keys = [item.url, *item.aliases, *([item.guid] if item.guid else [])]
        if self.store.find_article_id(keys) is not None:
            return self.store.add_articles([self._bare(item)])[0][0], False, None, None
        new = self._extract(item)
        if new.url != item.url and self.store.find_article_id([new.url]) is not None:
            # The publisher's canonical is known.
            return self.store.add_articles([new])[0][0], False, None, None
        analysed = analyse_step(new, self.knowledge, source_country=item.source_country)
        kinds = []
        if self.translation.worker is not None and new.language and new.language != "ar":
            kinds.append(OUTBOX_TRANSLATE)
        if self._hold_grouping() and time.monotonic() - self._drained_at >= DRAIN_EVERY_SECONDS:
            self.drain()  # what other processes stored for us first: it is older
        if self._holding:
            article_id, created, assignment = self._store_decided(analysed, kinds)
        else:
            # Grouping is held elsewhere: the ``group`` row hands the article to the holder.
            article_id, _, created = self.store.save_analysed(
                analysed.stored, outbox=[OUTBOX_GROUP, *kinds], index=index_in
            )
            assignment = None
        if created and OUTBOX_TRANSLATE in kinds:
            # Titles and leads go to the background worker; ingestion never waits for a model.
            self.translation.wake()
        return article_id, created, analysed.understanding, assignment

    def _store_decided(
        self, analysed: Analysed, kinds: list[str]
    ) -> tuple[int, bool, Assignment | None]:
        """As the grouping holder: decide the article's story and copy link and store it with
        them in ONE transaction (fenced by the lock there), indexed once knowing whether it is
        a copy. When the lock was lost in between, the store keeps the article with a ``group``
        row for the new holder (and indexes it then); this window, which took the article, is
        rebuilt from the store before its next decision."""
        features = analysed.features
        try:
            assignment = self.clusterer.add(features)
            bundle = replace(analysed.stored, **self._decision(assignment))
            article_id, story_id, created = self.store.save_analysed(
                bundle,
                holder=self.holder,
                outbox=kinds,
                index=index_in,
                index_at_grouping=True,
                story_outbox=self.story_outbox(),
            )
        except Exception:
            # The clusterer holds an article the store may not: rebuild from the store.
            self._holding = False
            raise
        if not created or story_id is None:
            # Stored by another process since the look-up (its grouping is the holder's
            # work), or the lock was lost: the window took an article it did not decide.
            if created:
                self._lost()
            else:
                self._holding = False
            return article_id, created, None
        self._renewed = time.monotonic()
        self._snapshot_current = False
        self._article_ids[features.key] = article_id
        self._story_ids[self.clusterer.resolve(assignment.story_key)] = story_id
        return article_id, True, assignment

    # -- grouping ---------------------------------------------------------------------------
    @property
    def holds_grouping(self) -> bool:
        return self._holding

    def _hold_grouping(self) -> bool:
        """True while this pipeline holds the grouping lock (taken or renewed as needed). On
        taking it, the window is rebuilt from the store: another holder may have decided since."""
        if not self.groups:
            return False
        now = time.monotonic()
        if self._holding and now - self._renewed < LOCK_SECONDS / 3:
            return True
        if not self._holding and now - self._asked < self.lock_retry_seconds:
            return False
        self._asked = now
        held = self.store.acquire_lock(GROUPING_LOCK, self.holder)
        if not held:
            other = self.store.lock_holder(GROUPING_LOCK)
            if other is not None and dead_local_owners([other[0]]):
                # Its holder was killed on this machine: no need to wait for the expiry.
                self.store.break_lock(GROUPING_LOCK, other[0])
                held = self.store.acquire_lock(GROUPING_LOCK, self.holder)
        if held:
            self._renewed = now
            if not self._holding and hasattr(self, "restored"):
                log.info("grouping lock taken: rebuilding the story window from the store")
                self._reset_window()
        elif self._holding:
            log.warning("grouping lock lost to another process; handing articles to it")
        self._holding = held
        return held

    def drain(self, *, limit: int = 500) -> dict[int, Assignment]:
        """As the grouping holder: decide the stored articles waiting for grouping, oldest
        first (other processes', and ours left while the lock was elsewhere), written
        ``GROUP_BATCH`` decisions to a transaction. Returns the assignments made, by article
        id."""
        done: dict[int, Assignment] = {}
        if not self._hold_grouping():
            return done
        self._drained_at = time.monotonic()
        while True:
            rows = self.store.pending_grouping(limit=limit)
            batch = _Batch()
            # Each batch in publication order: a feed lists its newest item first, a crawl
            # meets its sources one by one; fewer late articles leave less to re-check.
            for row in sorted(rows, key=lambda r: (_stream_seconds(r), r.id)):
                # No signature: grouped alone, there is nothing to compare.
                stored = _stored_features(row.id, row.features, row.minhash)
                features = None if stored is None else replace(stored, key=row.url)
                if not self._decide(row, features, batch, done):
                    return done
                full = len(batch.items) >= GROUP_BATCH
                late = time.monotonic() - self._renewed >= GROUP_BATCH_SECONDS
                if (full or late) and not self._write(batch, done):
                    return done
            if not self._write(batch, done) or len(rows) < limit:
                return done

    def _decide(
        self, row: Any, features: ArticleFeatures | None, batch: _Batch, done: dict[int, Assignment]
    ) -> bool:
        """Decide one waiting article into ``batch`` (False: the lock was lost)."""
        if features is None:
            batch.items.append(
                (row.id, AnalysedArticle(article=NewArticle(url=row.url)), None, None)
            )
            return True
        try:
            assignment = self.clusterer.add(features)
            key = self.clusterer.resolve(assignment.story_key)
            # A decision that merges stories writes the batch first, so the story ids it
            # reads are the stored ones (a story this batch began has none yet; the store
            # gives the batch's decisions naming it the one story, by its key).
            if assignment.merged_story_keys and not self._write(batch, done):
                return False
            bundle = AnalysedArticle(
                article=NewArticle(
                    url=row.url, published_at=row.published_at, fetched_at=row.fetched_at
                ),
                **self._decision(assignment),
            )
        except Exception:
            # The clusterer holds an undecided article: rebuild from the store on next use.
            self._holding = False
            raise
        self._article_ids[features.key] = row.id  # later copies in the batch link to it
        batch.items.append((row.id, bundle, assignment, key))
        return True

    def _decision(self, assignment: Assignment) -> dict[str, Any]:
        """The stored fields of a grouping decision: copy or translation link, and story."""
        original_key = assignment.duplicate_of_key or assignment.translation_of_key
        return {
            "duplicate_of": self._article_ids.get(original_key or ""),
            "duplicate_kind": (
                assignment.duplicate_kind if assignment.duplicate_of_key else "translation"
            ),
            "duplicate_evidence": assignment.evidence,
            "story": self._story_change(assignment),
        }

    def _write(self, batch: _Batch, done: dict[int, Assignment]) -> bool:
        """Write the batch's decisions in one transaction (False: the lock was lost)."""
        if not batch.items:
            return True
        try:
            story_ids = self.store.apply_groupings(
                [(article_id, bundle, key) for article_id, bundle, _, key in batch.items],
                holder=self.holder,
                index=index_in,
                story_outbox=self.story_outbox(),
            )
        except Exception:
            self._holding = False  # the window holds decisions the store may not
            raise
        if story_ids is None:
            return self._lost()
        self._renewed = time.monotonic()
        self._snapshot_current = False  # decisions the stored snapshot predates
        for (article_id, _, assignment, key), story_id in zip(batch.items, story_ids, strict=True):
            if assignment is None:
                continue
            if story_id is not None and key is not None:
                self._story_ids[key] = story_id
            done[article_id] = assignment
        batch.items.clear()
        return True

    def _lost(self) -> bool:
        log.warning("grouping lock lost to another process; handing articles to it")
        self._holding = False
        return False

    def _reset_window(self) -> None:
        self._story_ids.clear()
        self._article_ids.clear()
        self.restored = self._restore_window()

    def flush(self) -> None:
        """Save what was learned (boilerplate) and, as the grouping holder, decide what waits."""
        for source_id in list(self._learned):
            self._save_learned(source_id)
        if self._holding:
            self.drain()
            wait = max(RECHECK_EVERY_SECONDS, self._recheck_seconds / RECHECK_TIME_SHARE)
            if time.monotonic() - self._rechecked_at >= wait:
                self.recheck()
            if time.monotonic() - self._saved_at >= SNAPSHOT_EVERY_SECONDS:
                self.save_window()

    def close(self) -> None:
        """Save learned state, decide what waits for grouping (taking the lock if it is free:
        the last process out groups what the others left), give the lock back, stop the
        translation worker."""
        try:
            self.flush()
            if not self._holding and self.store.pending_grouping(limit=1):
                self._asked = 0.0
                if self._hold_grouping():
                    self.drain()
            if self._holding:
                self.recheck()
                self.save_window()
                self.store.release_lock(GROUPING_LOCK, self.holder)
                self._holding = False
        finally:
            self.translation.close()

    def recheck(self) -> int:
        """As the grouping holder, when the window took articles out of publication order:
        decide the stories and copy links from the earliest late article on again, in
        publication order (``marsad.cluster.recheck``), and write what changed in one
        transaction (story ids kept: a story continues the stored one it shares most articles
        with). Returns the articles whose story or copy link changed."""
        started = self._rechecked_at = time.monotonic()
        since = self.clusterer.disorder_since
        if since is None or not self._hold_grouping():
            return 0
        try:
            return self._recheck(since)
        finally:
            self._recheck_seconds = time.monotonic() - started

    def _recheck(self, since: float) -> int:
        horizon = self.clusterer.options.horizon_days * 86400.0
        # Bounded by the window: an article older than it was decided against what the
        # window held then, and stays so.
        since = max(since, self.clusterer.clock - horizon)
        rows = self.store.grouped_since(datetime.fromtimestamp(since - horizon, UTC))
        url_of: dict[int | None, str] = {r.id: r.url for r in rows}
        items: list[RecheckArticle] = []
        stored_of: dict[str, Any] = {}
        for row in rows:
            stored = _stored_features(row.id, row.features, row.minhash)
            if stored is None:
                continue
            stored_of[row.url] = row
            first_seen = row.story_first_seen.timestamp() if row.story_first_seen else None
            items.append(
                RecheckArticle(
                    replace(stored, key=row.url),
                    f"db:{row.story_id}" if row.story_id is not None else f"story:{row.url}",
                    url_of.get(row.duplicate_of),
                    story_first_seen=first_seen,
                )
            )
        result = recheck(self.clusterer, items, since)
        ids_of = {**self._article_ids, **{r.url: r.id for r in rows}}
        change = _regrouping(result, stored_of, ids_of)
        if change.articles or change.absorbed:
            ids = self.store.apply_regrouping(change, holder=self.holder, index=index_in)
            if ids is None:
                self._lost()
                return 0
        else:
            ids = {}
        self.clusterer = result.clusterer
        self._article_ids = ids_of
        self._story_ids = {}
        for key in set(result.story_of.values()):
            label = result.label(key)
            story_id = ids.get(label) or _stored_story_id(label)
            if story_id is not None:
                self._story_ids[key] = story_id
        self._snapshot_current = False
        if change.articles:
            log.info(
                "re-checked the stories from %s: %d articles moved or re-linked",
                datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
                len(change.articles),
            )
        return len(change.articles)

    def save_window(self) -> bool:
        """As the grouping holder, keep a snapshot of the story window in the store (when the
        stored one is not this window already), so the next holder continues from it instead
        of replaying. False when it was not saved (not the holder, or the lock was lost)."""
        if not self._holding:
            return False
        if self._snapshot_current:
            return True
        self._saved_at = time.monotonic()
        held = self.clusterer.holds
        snapshot = WindowSnapshot(
            self.clusterer,
            # Only what the window can still name (the maps would grow with the archive).
            {k: v for k, v in self._story_ids.items() if self.clusterer.has_story(k)},
            {k: v for k, v in self._article_ids.items() if held(k)},
            self.background_articles,
        )
        data = dump_window(snapshot)
        if len(data) > SNAPSHOT_MAX_BYTES:
            log.warning(
                "grouping window snapshot of %d MB not saved: the next holder will replay",
                len(data) // 2**20,
            )
            return False
        saved = self.store.save_grouping_snapshot(data, SNAPSHOT_FORMAT, holder=self.holder)
        self._snapshot_current = saved
        return saved

    def grouping_note(self) -> str | None:
        """A line for the user when articles were left to another process's grouping."""
        if self._holding:
            return None
        waiting = self.store.outbox_counts().get(OUTBOX_GROUP, 0)
        if not waiting:
            return None
        held = self.store.lock_holder(GROUPING_LOCK)
        who = f"process {held[0]}" if held else "the next process that takes the grouping lock"
        return f"grouping is held elsewhere: {waiting} stored articles wait for {who}"

    # -- stages -----------------------------------------------------------------------------
    def _bare(self, item: IncomingArticle) -> NewArticle:
        return NewArticle(
            url=item.url, source_id=item.source_id, guid=item.guid, aliases=item.aliases
        )

    def _extract(self, item: IncomingArticle) -> NewArticle:
        """``extract_step`` with the source's learned boilerplate; learns from the page."""
        learner = self._learner(item.source_id) if item.html is not None else None
        extracted = extract_step(
            item,
            fetched_at=utcnow(),
            detector=self.detector,
            limits=self.limits,
            boilerplate=learner.boilerplate() if learner else frozenset(),
        )
        page = extracted.page
        if learner is not None and page is not None and page.ok and item.source_id is not None:
            self._learn(item.source_id, extracted.learned_lines)
        return extracted.article

    def _learner(self, source_id: int | None) -> BoilerplateLearner | None:
        if source_id is None:
            return None
        learner = self._boilerplate.get(source_id)
        if learner is None:
            learner = self._boilerplate[source_id] = BoilerplateLearner()
            stored = self.store.load_boilerplate(source_id)
            if stored is not None:
                learner.articles, learner.counts = stored[0], Counter(stored[1])
        return learner

    def _learn(self, source_id: int, lines: Any) -> None:
        self._boilerplate[source_id].add(lines)
        delta = self._learned.setdefault(source_id, BoilerplateLearner())
        delta.add(lines)
        if delta.articles >= BOILERPLATE_SAVE_EVERY:
            self._save_learned(source_id)

    def _save_learned(self, source_id: int) -> None:
        delta = self._learned.pop(source_id, None)
        if delta is None or not delta.articles:
            return
        articles, counts = self.store.merge_boilerplate(
            source_id, delta.articles, dict(delta.counts), max_lines=BOILERPLATE_MAX_LINES
        )
        learner = self._boilerplate.get(source_id)
        if learner is not None:  # what other processes learned about the site comes back too
            learner.articles, learner.counts = articles, Counter(counts)

    def _story_change(self, assignment: Assignment) -> StoryChange:
        key = self.clusterer.resolve(assignment.story_key)
        view = self.clusterer.story(key, members=False)
        absorbed = tuple(
            self._story_ids.pop(k) for k in assignment.merged_story_keys if k in self._story_ids
        )
        # A story just joined always has a view; without one the article is kept anyway.
        return _story_change(view, self._story_ids.get(key), absorbed)

    # -- restart ----------------------------------------------------------------------------
    def _restore_window(self) -> int:
        """Rebuild the story window: from the store's snapshot when it is current (no grouping
        decision since it was saved, same format and options), else by replaying the stored
        articles of the window (``_replay_window``). Returns the articles restored."""
        options = self.clusterer.options
        data = self.store.grouping_snapshot(SNAPSHOT_FORMAT)
        snapshot = load_window(data, options) if data is not None else None
        self.snapshot_loaded = snapshot is not None
        if snapshot is None:
            self._snapshot_current = False
            return self._replay_window()
        self.clusterer = snapshot.clusterer
        self._story_ids.update(snapshot.story_ids)
        self._article_ids.update(snapshot.article_ids)
        self.background_articles = snapshot.background_articles
        self._snapshot_current = True
        log.info(
            "restored the story window from its snapshot (%d articles)", len(self._article_ids)
        )
        return self.clusterer.article_count

    def _replay_window(self) -> int:
        """Put the stored articles of the window back into the clusterer, in stream order.

        The clusterer is rebuilt first with a background of the articles just before the window
        (``_background``): its word statistics look back weeks, the replay only days.
        """
        # A story that keeps getting reports stays open past the window (up to horizon_days).
        horizon = self.clusterer.options.horizon_days
        # The window is measured on the stream's clock (the newest stored article), as the
        # clusterer that made the decisions measured it, not on the wall clock: a holder taking
        # over an archive import or a feed of old dates continues the same stories.
        newest = self.store.newest_grouped_time()
        clock = min(utcnow(), newest) if newest is not None else utcnow()
        since = clock - timedelta(days=horizon)
        background = self._background(since)
        self.background_articles = background.docs if background else 0
        self.clusterer = StoryClusterer(self.clusterer.options, background=background)
        rows = self.store.grouped_since(since)
        url_of: dict[int | None, str] = {r.id: r.url for r in rows}
        for row in rows:
            stored = _stored_features(row.id, row.features, row.minhash)
            if stored is None:
                continue
            features = replace(stored, key=row.url)
            story_key = f"db:{row.story_id}" if row.story_id is not None else f"story:{row.url}"
            # A story that began before the replayed span keeps its age (and so its lifetime).
            first_seen = row.story_first_seen.timestamp() if row.story_first_seen else None
            self.clusterer.restore(
                features, story_key, url_of.get(row.duplicate_of), story_first_seen=first_seen
            )
            self._article_ids[row.url] = row.id
            if row.story_id is not None:
                self._story_ids[story_key] = row.story_id
        if rows:
            log.info("restored %d articles of the last %g days", len(rows), horizon)
        late = _first_late(rows)
        if late is not None:
            # Stored after newer articles: the previous holder may have been stopped before
            # its re-check; the next ``flush`` or ``close`` does it.
            self.clusterer.note_disorder(late.timestamp())
        return len(rows)

    def _background(self, before: datetime) -> DocumentFrequencies | None:
        """Document frequencies of up to ``BACKGROUND_ARTICLES`` stored articles from the
        ``df_half_life_days`` before ``before``: what a clusterer that had kept running would
        remember of them (the bench's background plays the same part, bench/cluster)."""
        since = before - timedelta(days=self.clusterer.options.df_half_life_days)
        rows = self.store.signatures_between(since, before, limit=BACKGROUND_ARTICLES)
        stored = (_stored_features(i, features, minhash) for i, minhash, features in rows)
        features = [f for f in stored if f is not None]
        return document_frequencies(features) if features else None


def _first_late(rows: Sequence[Any]) -> datetime | None:
    """The stream time of the earliest replayed article stored after a newer one (ids are in
    storing order, rows in stream order): from there the stored stories may depend on order."""
    first: datetime | None = None
    newest_id: int | None = None
    for row in reversed(rows):
        if newest_id is not None and row.id > newest_id and row.stream_time is not None:
            first = row.stream_time
        newest_id = row.id if newest_id is None else min(newest_id, row.id)
    return first


def _stream_seconds(row: Any) -> float:
    when = row.published_at or row.fetched_at
    return when.timestamp() if when is not None else 0.0


def _stored_story_id(label: str) -> int | None:
    """The stored story a window story key names (``db:<id>``), if any."""
    prefix, _, rest = label.partition(":")
    return int(rest) if prefix == "db" and rest.isdigit() else None


def _regrouping(
    result: RecheckResult, stored_of: dict[str, Any], ids_of: dict[str, int]
) -> Regrouping:
    """The store writes of a re-check: the articles whose story or copy link changed, the
    stories they leave and join, the stored stories no story continues."""
    window = result.clusterer
    articles = []
    touched: set[str] = set()
    for url, decision in result.decisions.items():
        row = stored_of.get(url)
        if row is None:
            continue
        key = result.story_of[url]
        label = result.label(key)
        original = decision.duplicate_of_key or decision.translation_of_key
        duplicate_of = ids_of.get(original) if original else None
        if duplicate_of == row.id:
            duplicate_of = None
        if label == f"db:{row.story_id}" and duplicate_of == row.duplicate_of:
            continue
        kind = decision.duplicate_kind if decision.duplicate_of_key else "translation"
        articles.append((row.id, label, duplicate_of, kind, decision.evidence))
        touched.add(key)
    absorbed = []
    for old, key in sorted(result.absorbed.items()):
        story_id = _stored_story_id(old)
        if story_id is not None:
            absorbed.append((story_id, result.label(key)))
            touched.add(key)
    stories: dict[str, StoryChange] = {}
    for key in touched:
        label = result.label(key)
        stories[label] = _story_change(window.story(key), _stored_story_id(label))
    return Regrouping(stories, tuple(articles), tuple(absorbed))


def _story_change(
    view: StoryView | None, story_id: int | None, absorbed: tuple[int, ...] = ()
) -> StoryChange:
    """The ``stories`` row a window story gives (only its id when the window has no view)."""
    if view is None:
        return StoryChange(story_id=story_id, absorbed=absorbed)
    return StoryChange(
        story_id=story_id,
        title_ar=view.title_ar,
        title=view.title,
        first_seen=datetime.fromtimestamp(view.first_seen, UTC),
        last_seen=datetime.fromtimestamp(view.last_seen, UTC),
        countries=view.countries,
        regions=view.regions,
        absorbed=absorbed,
    )


def dead_local_owners(owners: Sequence[str]) -> list[str]:
    """Lease or lock holders (``host:pid:nonce``) that ran on this machine and are gone: what
    they held need not wait for its expiry."""
    host = socket.gethostname()
    dead = []
    for owner in owners:
        name, _, rest = owner.partition(":")
        pid = rest.partition(":")[0]
        if name != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.append(owner)
        except PermissionError:  # alive, another user's
            pass
    return dead


def _stored_features(
    article_id: int, features: dict[str, Any] | None, minhash: bytes | None
) -> ArticleFeatures | None:
    """The features stored with an article; None, logged, when missing or unreadable."""
    if not features:
        return None
    try:
        return features_from_dict(features, minhash)
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("article %s: stored features unreadable (%s); not used", article_id, exc)
        return None
