"""The study store: Optuna's RDB storage plus three small tables of dlx-tuner's own.

Every worker process (on one machine or many) opens the same SQLAlchemy URL; there is no chief.

* Optuna's tables hold the study and its trials: parameters, per-epoch intermediate values,
  user attributes (hyperparameter values, every epoch's metrics), state and score.
* ``dlx_tuner_slots`` holds the trial budget: one row per trial the search may run (slot
  ``0 .. max_trials-1``). A worker claims a ``free`` slot with a compare-and-set ``UPDATE ...
  WHERE state = 'free'`` (one winner on SQLite and PostgreSQL alike), so ``max_trials`` holds
  across workers and no trial is run twice. The slot records the trial it runs and a heartbeat.
* A running slot whose heartbeat is older than ``stale_timeout`` belongs to a dead worker:
  any worker reclaims it with another compare-and-set, marks the Optuna trial failed, and frees
  the slot with that trial's parameters to re-run (policy ``"retry"``) or closes it (``"fail"``).
* ``dlx_tuner_checkpoints`` holds each finished trial's best weights (a ``.weights.h5`` file's
  bytes), so ``get_best_models()`` works from any machine.
* ``dlx_tuner_studies`` holds the search's configuration, checked when a search resumes.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import threading
import time

import sqlalchemy as sa

_META = sa.MetaData()
STUDIES = sa.Table(
    "dlx_tuner_studies", _META,
    sa.Column("study_name", sa.String(512), primary_key=True),
    sa.Column("config", sa.Text, nullable=False),
)
SLOTS = sa.Table(
    "dlx_tuner_slots", _META,
    sa.Column("study_name", sa.String(512), primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("state", sa.String(16), nullable=False),            # free | running | done
    sa.Column("trial_number", sa.Integer, nullable=True),
    sa.Column("heartbeat", sa.Float, nullable=True),              # time.time() of the last beat
    sa.Column("worker", sa.String(256), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("retry_of", sa.Integer, nullable=True),             # the trial number to re-run
)
CHECKPOINTS = sa.Table(
    "dlx_tuner_checkpoints", _META,
    sa.Column("study_name", sa.String(512), primary_key=True),
    sa.Column("trial_number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")   # readers do not block the writer
    cur.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe against a killed process
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """One study in a SQLAlchemy database (see the module docstring).

    Arguments:
        url: a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://user@host/db``).
        study_name: the study (KerasTuner's ``project_name``).
        direction: ``"min"`` or ``"max"``.
    """

    def __init__(self, url: str, study_name: str, direction: str):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)  # dlx-tuner reports trials itself
        self.url = url
        self.study_name = study_name
        self.engine = make_engine(url)
        engine_kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {"pool_pre_ping": True}
        # workers starting together race to create the tables (CREATE TABLE is not idempotent
        # across processes on either database): whoever loses retries and then finds them
        for attempt in range(30):
            try:
                _META.create_all(self.engine, checkfirst=True)
                self.storage = optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs)
                optuna.create_study(study_name=study_name, storage=self.storage, load_if_exists=True,
                                    direction="maximize" if direction == "max" else "minimize")
                break
            except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError,
                    optuna.exceptions.StorageInternalError):
                if attempt == 29:
                    raise
                time.sleep(0.1 + random.random() * 0.5)
        if url.startswith("sqlite") and hasattr(self.storage, "engine"):
            self.storage.engine.dispose()
            sa.event.listen(self.storage.engine, "connect", _sqlite_pragmas)
        self.study_id = self.storage.get_study_id_from_name(study_name)

    # -- configuration ----------------------------------------------------------------------------
    def check_config(self, config: dict) -> None:
        """Records ``config`` for a new study, or checks a resumed study was made with the same."""
        text = json.dumps(config, sort_keys=True)
        with self.engine.begin() as c:
            row = c.execute(sa.select(STUDIES.c.config).where(STUDIES.c.study_name == self.study_name)).first()
            if row is None:
                try:
                    c.execute(STUDIES.insert().values(study_name=self.study_name, config=text))
                    return
                except sa.exc.IntegrityError:
                    row = c.execute(sa.select(STUDIES.c.config).where(
                        STUDIES.c.study_name == self.study_name)).first()
        stored = json.loads(row[0])
        if stored != json.loads(text):
            raise ValueError(f"the stored search {self.study_name!r} in {self.safe_url} was made with {stored}, "
                             f"not {config}; pass overwrite=True to start over or use another project_name")

    @property
    def safe_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    # -- slots ------------------------------------------------------------------------------------
    def ensure_slots(self, n: int) -> None:
        with self.engine.begin() as c:
            have = {r[0] for r in c.execute(sa.select(SLOTS.c.slot).where(SLOTS.c.study_name == self.study_name))}
        for k in range(n):
            if k in have:
                continue
            try:
                with self.engine.begin() as c:
                    c.execute(SLOTS.insert().values(study_name=self.study_name, slot=k, state="free", attempts=0))
            except sa.exc.IntegrityError:  # another worker made it
                pass

    def slot_counts(self, n: int) -> dict:
        with self.engine.begin() as c:
            rows = c.execute(sa.select(SLOTS.c.state, sa.func.count()).where(
                SLOTS.c.study_name == self.study_name, SLOTS.c.slot < n).group_by(SLOTS.c.state)).all()
        out = {"free": 0, "running": 0, "done": 0}
        out.update({s: k for s, k in rows})
        return out

    def claim(self, n: int, worker: str):
        """Claims a free slot below ``n``: ``(slot, attempts, retry_of)`` or ``None``."""
        while True:
            with self.engine.begin() as c:
                row = c.execute(sa.select(SLOTS.c.slot, SLOTS.c.attempts, SLOTS.c.retry_of).where(
                    SLOTS.c.study_name == self.study_name, SLOTS.c.slot < n, SLOTS.c.state == "free",
                ).order_by(SLOTS.c.slot).limit(1)).first()
                if row is None:
                    return None
                won = c.execute(SLOTS.update().where(
                    SLOTS.c.study_name == self.study_name, SLOTS.c.slot == row.slot, SLOTS.c.state == "free",
                ).values(state="running", heartbeat=time.time(), worker=worker, trial_number=None)).rowcount
            if won == 1:
                return row.slot, row.attempts, row.retry_of

    def attach(self, slot: int, trial_number: int) -> bool:
        with self.engine.begin() as c:
            return c.execute(SLOTS.update().where(
                SLOTS.c.study_name == self.study_name, SLOTS.c.slot == slot, SLOTS.c.state == "running",
            ).values(trial_number=trial_number, heartbeat=time.time())).rowcount == 1

    def beat(self, slot: int, trial_number) -> bool:
        """Refreshes the heartbeat; ``False`` if the slot was taken away (we were declared stale)."""
        with self.engine.begin() as c:
            return c.execute(SLOTS.update().where(
                SLOTS.c.study_name == self.study_name, SLOTS.c.slot == slot, SLOTS.c.state == "running",
                SLOTS.c.trial_number == trial_number,
            ).values(heartbeat=time.time())).rowcount == 1

    def release(self, slot: int, trial_number, *, retry: bool, attempts: int = 0) -> bool:
        """Ends our slot: ``done``, or ``free`` to re-run ``trial_number``'s parameters."""
        values = {"state": "free", "attempts": attempts, "retry_of": trial_number, "heartbeat": None,
                  "worker": None} if retry else {"state": "done", "heartbeat": None}
        with self.engine.begin() as c:
            return c.execute(SLOTS.update().where(
                SLOTS.c.study_name == self.study_name, SLOTS.c.slot == slot, SLOTS.c.state == "running",
                SLOTS.c.trial_number == trial_number).values(**values)).rowcount == 1

    def reap_stale(self, stale_timeout: float, policy: str, max_stale_retries: int) -> list[int]:
        """Takes back slots whose worker stopped beating; returns the trial numbers failed."""
        import optuna

        cutoff = time.time() - stale_timeout
        with self.engine.begin() as c:
            rows = c.execute(sa.select(SLOTS).where(
                SLOTS.c.study_name == self.study_name, SLOTS.c.state == "running",
                SLOTS.c.heartbeat < cutoff)).all()
        failed = []
        for r in rows:
            retry = policy == "retry" and r.attempts < max_stale_retries and r.trial_number is not None
            values = ({"state": "free", "attempts": r.attempts + 1, "retry_of": r.trial_number, "worker": None}
                      if retry else {"state": "done"}) if r.trial_number is not None else {"state": "free"}
            with self.engine.begin() as c:
                won = c.execute(SLOTS.update().where(
                    SLOTS.c.study_name == self.study_name, SLOTS.c.slot == r.slot, SLOTS.c.state == "running",
                    SLOTS.c.heartbeat == r.heartbeat).values(heartbeat=None, **values)).rowcount
            if won and r.trial_number is not None:
                self._fail_trial(r.trial_number, f"stale: worker {r.worker} stopped its heartbeat for more than "
                                                 f"{stale_timeout:g} s; " + ("re-run" if retry else "failed (policy)"))
                failed.append(r.trial_number)
        # a worker killed between creating its trial and attaching it to a slot leaves an orphan
        running = self.storage.get_all_trials(self.study_id, deepcopy=False,
                                              states=(optuna.trial.TrialState.RUNNING,))
        if running:
            with self.engine.begin() as c:
                attached = {r[0] for r in c.execute(sa.select(SLOTS.c.trial_number).where(
                    SLOTS.c.study_name == self.study_name, SLOTS.c.state == "running"))}
            for t in running:
                start = t.datetime_start.timestamp() if t.datetime_start else 0
                if t.number not in attached and start < cutoff:
                    self._fail_trial(t.number, "stale: never attached to a trial slot")
        return failed

    def _fail_trial(self, number: int, message: str) -> None:
        import optuna

        tid = self.storage.get_trial_id_from_study_id_trial_number(self.study_id, number)
        try:
            self.storage.set_trial_user_attr(tid, "dlx_message", message)
            self.storage.set_trial_state_values(tid, optuna.trial.TrialState.FAIL)
        except (RuntimeError, optuna.exceptions.UpdateFinishedTrialError):
            pass  # it finished meanwhile

    # -- checkpoints ------------------------------------------------------------------------------
    def save_checkpoint(self, trial_number: int, path: str) -> None:
        with open(path, "rb") as f:
            data = f.read()
        with self.engine.begin() as c:
            c.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.study_name == self.study_name,
                                                 CHECKPOINTS.c.trial_number == trial_number))
            c.execute(CHECKPOINTS.insert().values(study_name=self.study_name, trial_number=trial_number, data=data))

    def load_checkpoint(self, trial_number: int) -> bytes | None:
        with self.engine.begin() as c:
            row = c.execute(sa.select(CHECKPOINTS.c.data).where(
                CHECKPOINTS.c.study_name == self.study_name, CHECKPOINTS.c.trial_number == trial_number)).first()
        return None if row is None else bytes(row[0])

    # -- deletion ---------------------------------------------------------------------------------
    @staticmethod
    def delete(url: str, study_name: str) -> None:
        """Removes a study and dlx-tuner's rows for it (``overwrite=True``)."""
        import optuna

        engine = make_engine(url)
        _META.create_all(engine, checkfirst=True)
        with engine.begin() as c:
            for table in (STUDIES, SLOTS, CHECKPOINTS):
                c.execute(table.delete().where(table.c.study_name == study_name))
        engine.dispose()
        with contextlib.suppress(KeyError):
            optuna.delete_study(study_name=study_name, storage=url)

    def close(self) -> None:
        self.engine.dispose()
        self.storage.remove_session()
        eng = getattr(self.storage, "engine", None)
        if eng is not None:
            eng.dispose()


class Heartbeat:
    """A daemon thread that beats for one running slot every ``interval`` seconds."""

    def __init__(self, store: Store, slot: int, trial_number: int, interval: float):
        self.store, self.slot, self.trial_number, self.interval = store, slot, trial_number, interval
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"dlx-tuner-heartbeat-{os.getpid()}", daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                if not self.store.beat(self.slot, self.trial_number):
                    self.lost = True
                    return
            except Exception:  # a transient database error: try again next beat
                continue

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
