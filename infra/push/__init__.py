"""Push-notification adapters behind :class:`domain.notifications.push.PushSender`."""

from infra.push.fcm import (
    FcmPushSender,
    LogPushSender,
    disable_http_retries,
    tune_fcm_connections,
)

__all__ = [
    "FcmPushSender",
    "LogPushSender",
    "disable_http_retries",
    "tune_fcm_connections",
]
