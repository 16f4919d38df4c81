"""Push-notification adapters behind :class:`domain.notifications.push.PushSender`."""

from infra.push.fcm import (
    FcmPushSender,
    LogPushSender,
    disable_http_retries,
    tune_fcm_connections,
)
from infra.push.fcm_pooled import PooledFcmSender

__all__ = [
    "FcmPushSender",
    "LogPushSender",
    "PooledFcmSender",
    "disable_http_retries",
    "tune_fcm_connections",
]
