"""Push-notification adapters behind :class:`domain.notifications.push.PushSender`."""

from infra.push.fcm import FcmPushSender, LogPushSender, disable_http_retries

__all__ = ["FcmPushSender", "LogPushSender", "disable_http_retries"]
