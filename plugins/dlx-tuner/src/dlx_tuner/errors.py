"""Errors a trial may raise to steer the search (KerasTuner's names)."""

from __future__ import annotations


class FailedTrialError(Exception):
    """Raised inside a trial (build or fit): the trial is marked failed without a retry."""


class FatalError(Exception):
    """Raised inside a trial: the search stops at once and re-raises it."""



class SearchSpaceError(FatalError, ValueError):
    """A build function declares the space inconsistently (a name declared twice differently, a
    new name when ``allow_new_entries=False``): every trial would fail, so the search stops."""
