"""Library internals Hearth relies on for speed or correctness are pinned exactly; a
version change fails here, loudly, before anything subtle breaks elsewhere."""

from __future__ import annotations

import firebase_admin
import graphql
from firebase_admin import messaging
from graphql import build_schema, parse
from graphql.execution.executor import Executor

from api.execution.base import GRAPHQL_CORE_VERSION


def test_graphql_core_is_the_version_the_executor_internals_were_checked_against() -> None:
    assert graphql.version == GRAPHQL_CORE_VERSION, (
        f"graphql-core {graphql.version} is installed, but api/execution was checked against "
        f"{GRAPHQL_CORE_VERSION}: re-read its use of Executor internals (execute_fields, "
        "_relevant_sub_fields, build_per_event_executor), run tests/unit/test_execution.py and "
        "tests/unit/test_subscription_memory.py, then update GRAPHQL_CORE_VERSION and the pin."
    )


def test_per_event_executors_still_share_the_memo_that_hearth_resets() -> None:
    schema = build_schema("type Query { a: Int } type Subscription { a: Int }")
    executor = Executor.build(schema, parse("subscription { a }"))
    assert isinstance(executor, Executor)
    assert isinstance(executor._relevant_sub_fields, dict)
    per_event = executor.build_per_event_executor({"a": 1})
    # graphql-core copies the executor shallowly: the memo is shared unless reset.
    assert per_event._relevant_sub_fields is executor._relevant_sub_fields


def test_firebase_admin_is_the_version_the_fcm_tuning_was_checked_against() -> None:
    # infra/push/fcm.py (tune_fcm_connections, disable_http_retries) and the FCM stand-in
    # reach into firebase-admin's private messaging service and its requests session.
    assert firebase_admin.__version__ == "7.7.0", (
        "firebase-admin changed: re-check infra/push/fcm.py's use of "
        "messaging._get_messaging_service(app)._client.session before updating the pin "
        "(HEARTH_FCM_POOL_SIZE=0 turns the tuning off)"
    )
    assert callable(messaging._get_messaging_service)
