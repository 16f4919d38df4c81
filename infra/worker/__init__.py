"""The notification worker (see :mod:`infra.worker.loop` for how a round works).

* :mod:`infra.worker.messages`: claimed rows and the push messages built from them;
* :mod:`infra.worker.loop`: :class:`NotificationWorker`, claim / plan / send / finish;
* :mod:`infra.worker.process`: the push sender, ``build_worker`` and ``hearth worker``.
"""

from infra.worker.loop import NotificationWorker
from infra.worker.messages import Claimed, RoundResult, global_id, push_data, push_messages
from infra.worker.process import (
    build_worker,
    close_push_sender,
    make_push_sender,
    messaging_app,
    serve,
)

__all__ = [
    "Claimed",
    "NotificationWorker",
    "RoundResult",
    "build_worker",
    "close_push_sender",
    "global_id",
    "make_push_sender",
    "messaging_app",
    "push_data",
    "push_messages",
    "serve",
]
