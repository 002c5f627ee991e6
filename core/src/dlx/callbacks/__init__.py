"""``dlx.callbacks``: hooks into ``fit``/``evaluate``/``predict`` (Keras 3 callbacks)."""

from __future__ import annotations

from dlx.callbacks.backup_and_restore import BackupAndRestore
from dlx.callbacks.callback import Callback
from dlx.callbacks.callback_list import CallbackList
from dlx.callbacks.csv_logger import CSVLogger
from dlx.callbacks.early_stopping import EarlyStopping
from dlx.callbacks.history import History
from dlx.callbacks.lambda_callback import LambdaCallback
from dlx.callbacks.learning_rate_scheduler import LearningRateScheduler
from dlx.callbacks.model_checkpoint import ModelCheckpoint
from dlx.callbacks.orbax_checkpoint import OrbaxCheckpoint
from dlx.callbacks.progbar_logger import Progbar, ProgbarLogger
from dlx.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from dlx.callbacks.remote_monitor import RemoteMonitor
from dlx.callbacks.swap_ema_weights import SwapEMAWeights
from dlx.callbacks.tensorboard import TensorBoard
from dlx.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "OrbaxCheckpoint", "Progbar", "ProgbarLogger",
           "ReduceLROnPlateau", "RemoteMonitor", "SwapEMAWeights", "TensorBoard", "TerminateOnNaN"]
