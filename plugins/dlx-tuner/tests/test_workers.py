"""Many worker processes, one study store, no chief: SQLite and PostgreSQL.

PostgreSQL runs when ``DLX_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one on
loopback); under ``CI=true`` a missing URL fails these tests instead of skipping them.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import optuna
import pytest
import sqlalchemy as sa

WORKER = os.path.join(os.path.dirname(__file__), "_worker.py")
TIMEOUT = 300


def _postgres_url():
    url = os.environ.get("DLX_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("DLX_TEST_POSTGRES_URL is not set: CI must start PostgreSQL (.ci/run does)")
        pytest.skip("DLX_TEST_POSTGRES_URL is not set (start PostgreSQL as .ci/run does to run these)")
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    return _postgres_url()


def _env(**extra):
    env = dict(os.environ)
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    env["PYTHONPATH"] = os.pathsep.join([os.path.abspath(src), *sys.path])
    env["DLX_BACKEND"] = "numpy"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _start(url, project, max_trials, directory, **extra):
    return subprocess.Popen([sys.executable, WORKER, url, project, str(max_trials), str(directory)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(**extra))


def _finish(proc):
    out, _ = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, out[-3000:]
    assert "WORKER-DONE" in out, out[-3000:]
    return out


def _trials(url, project):
    storage = optuna.storages.RDBStorage(url)
    try:
        return optuna.load_study(study_name=project, storage=storage).get_trials()
    finally:
        storage.remove_session()
        storage.engine.dispose()


def _slots(url, project):
    engine = sa.create_engine(url)
    with engine.begin() as c:
        rows = c.execute(sa.text("SELECT slot, state FROM dlx_tuner_slots WHERE study_name = :s ORDER BY slot"),
                         {"s": project}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def _wait_for(path, proc):
    deadline = time.time() + TIMEOUT
    while not os.path.exists(path):
        assert proc.poll() is None, proc.communicate()[0][-3000:]
        assert time.time() < deadline, "the worker never reached its hanging trial"
        time.sleep(0.2)


def test_four_workers_run_exactly_max_trials(store_url, tmp_path):
    project = f"four-{uuid.uuid4().hex[:8]}"
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [_start(store_url, project, 8, tmp_path / f"w{i}", BARRIER=f"{barrier}:4", FIT_PAUSE=0.5)
             for i in range(4)]
    for p in procs:
        _finish(p)
    trials = _trials(store_url, project)
    assert len(trials) == 8
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    assert sorted(t.number for t in trials) == list(range(8))          # unique ids
    assert sorted(t.user_attrs["dlx_slot"] for t in trials) == list(range(8))  # one trial per slot
    assert len({t.user_attrs["dlx_worker"] for t in trials}) >= 2      # the work was shared
    assert _slots(store_url, project) == [(k, "done") for k in range(8)]
    # a fifth worker finds the search finished and says so
    out = _finish(_start(store_url, project, 8, tmp_path / "late"))
    assert "Search already complete: 8 of max_trials=8" in out
    assert len(_trials(store_url, project)) == 8


def test_sigkilled_worker_trial_is_rerun_and_the_search_resumes(store_url, tmp_path):
    project = f"kill-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "hanging"
    victim = _start(store_url, project, 4, tmp_path / "a", HANG_AT=1, HANG_FILE=marker)
    _wait_for(marker, victim)                 # its first trial finished, its second is mid-fit
    before = _trials(store_url, project)
    first = next(t for t in before if t.state == optuna.trial.TrialState.COMPLETE)
    hung = next(t for t in before if t.state == optuna.trial.TrialState.RUNNING)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    # a restarted worker (alone) takes the dead trial back after its heartbeat goes stale
    _finish(_start(store_url, project, 4, tmp_path / "b"))
    trials = {t.number: t for t in _trials(store_url, project)}
    assert trials[hung.number].state == optuna.trial.TrialState.FAIL
    assert trials[hung.number].user_attrs["dlx_message"].startswith("stale: worker")
    reruns = [t for t in trials.values() if t.user_attrs.get("dlx_retry_of") == hung.number]
    assert len(reruns) == 1 and reruns[0].state == optuna.trial.TrialState.COMPLETE
    assert reruns[0].params == hung.params                 # the same hyperparameters, re-run
    complete = [t for t in trials.values() if t.state == optuna.trial.TrialState.COMPLETE]
    assert len(complete) == 4                              # exactly max_trials finished
    assert trials[first.number].value == first.value       # the earlier result is intact
    assert _slots(store_url, project) == [(k, "done") for k in range(4)]
    assert "Search already complete: 4 of max_trials=4" in _finish(_start(store_url, project, 4, tmp_path / "c"))


def test_stale_policy_fail(tmp_path):
    url = f"sqlite:///{tmp_path / 'fail.db'}"
    marker = tmp_path / "hanging"
    victim = _start(url, "p", 3, tmp_path / "a", HANG_AT=0, HANG_FILE=marker, ON_STALE="fail")
    _wait_for(marker, victim)
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=60)
    _finish(_start(url, "p", 3, tmp_path / "b", ON_STALE="fail"))
    states = sorted(t.state.name for t in _trials(url, "p"))
    assert states == ["COMPLETE", "COMPLETE", "FAIL"]       # the dead trial counts, failed
    assert _slots(url, "p") == [(0, "done"), (1, "done"), (2, "done")]
