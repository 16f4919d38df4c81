"""What happens to the Firebase sign-in account when a member deletes their Hearth
account (``HEARTH_DELETE_FIREBASE_USER``).

By default it is left alone: the app deletes it with the Firebase client SDK
(``user.delete()``), which needs the same recent sign-in. With the setting on, the
server deletes it through firebase-admin right after the Hearth data is gone.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import anyio.to_thread
from firebase_admin import auth

log = logging.getLogger("hearth.accounts")


class KeptSignInAccounts:
    """Leaves Firebase accounts alone (the default)."""

    async def delete(self, firebase_uid: str) -> bool:
        return False


class FirebaseSignInAccounts:
    """Deletes the Firebase account with firebase-admin (a blocking call, so in a thread)."""

    def __init__(self, app: Any) -> None:
        self._app = app

    async def delete(self, firebase_uid: str) -> bool:
        call = functools.partial(auth.delete_user, firebase_uid, app=self._app)
        try:
            await anyio.to_thread.run_sync(call)
        except auth.UserNotFoundError:
            return True  # already gone
        except Exception as error:  # the Hearth account is deleted whatever happens here
            log.warning("could not delete the Firebase account (%s)", type(error).__name__)
            return False
        return True
