"""setSupportAvailability / clearSupportAvailability / me.supportAvailability."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FixedClock
from tests.api.support.conftest import (
    CLEAR_AVAILABILITY,
    MY_AVAILABILITY,
    hours,
    set_availability,
)
from tests.support.circles import create_circle, join
from tests.support.graphql import GraphQLClient


async def _two_circles(gql: GraphQLClient) -> tuple[str, str, str]:
    await gql.onboard("ann", "Ann")
    await gql.onboard("bea", "Bea")
    calm = await create_circle(gql, "ann", name="Evening Calm")
    grief = await create_circle(gql, "ann", name="After Loss", topics=["GRIEF"])
    other = await create_circle(gql, "bea", name="Not Anns")
    return calm, grief, other


async def test_all_my_circles_when_none_are_named_and_it_shows_on_me(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    calm, grief, _ = await _two_circles(gql)
    until = clock.now() + hours(2)

    payload = await set_availability(gql, "ann", until)
    mine = (await gql.data(MY_AVAILABILITY, as_="ann"))["me"]["supportAvailability"]

    assert payload["userErrors"] == []
    assert payload["availability"]["allCircles"] is True
    assert {c["id"] for c in payload["availability"]["circles"]} == {calm, grief}
    assert mine["allCircles"] is True
    assert {c["id"] for c in mine["circles"]} == {calm, grief}


async def test_some_circles_replace_the_earlier_offer_and_it_ends_on_time(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    _, grief, _ = await _two_circles(gql)
    await set_availability(gql, "ann", clock.now() + hours(3))

    payload = await set_availability(gql, "ann", clock.now() + hours(1), [grief])
    assert payload["availability"]["allCircles"] is False
    assert [c["id"] for c in payload["availability"]["circles"]] == [grief]

    clock.set(clock.now() + hours(1) + timedelta(seconds=1))
    assert (await gql.data(MY_AVAILABILITY, as_="ann"))["me"]["supportAvailability"] is None


async def test_clearing_it_works_is_idempotent_and_names_the_offer_to_evict(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await _two_circles(gql)
    offer = (await set_availability(gql, "ann", clock.now() + hours(2)))["availability"]["id"]

    first = (await gql.data(CLEAR_AVAILABILITY, as_="ann"))["clearSupportAvailability"]
    again = (await gql.data(CLEAR_AVAILABILITY, as_="ann"))["clearSupportAvailability"]

    assert first == {"availability": None, "clearedId": offer, "userErrors": []}
    assert again == {"availability": None, "clearedId": None, "userErrors": []}
    assert (await gql.data(MY_AVAILABILITY, as_="ann"))["me"]["supportAvailability"] is None


async def test_bad_input_gets_clear_user_errors_and_writes_nothing(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    calm, _, other = await _two_circles(gql)
    now = clock.now()
    cases = [
        (now - timedelta(minutes=1), None, "INVALID", ["input", "until"]),
        (now, None, "INVALID", ["input", "until"]),
        (now + hours(12) + timedelta(seconds=1), None, "INVALID", ["input", "until"]),
        (now.replace(tzinfo=None) + hours(1), None, "INVALID", ["input", "until"]),
        (now + hours(1), [other], "NOT_FOUND", ["input", "circleIds"]),
        (now + hours(1), [calm, "Q2lyY2xlOm5vcGU="], "NOT_FOUND", ["input", "circleIds"]),
    ]
    for until, circles, code, field in cases:
        payload = await set_availability(gql, "ann", until, circles)
        assert payload["availability"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], (
            until,
            circles,
        )
    assert (await gql.data(MY_AVAILABILITY, as_="ann"))["me"]["supportAvailability"] is None


async def test_exactly_twelve_hours_is_allowed_and_a_member_without_circles_is_told(
    gql: GraphQLClient, clock: FixedClock
) -> None:
    await _two_circles(gql)
    await gql.onboard("cal", "Cal")

    ok = await set_availability(gql, "ann", clock.now() + hours(12))
    lonely = await set_availability(gql, "cal", clock.now() + hours(1))

    assert ok["userErrors"] == []
    assert [e["code"] for e in lonely["userErrors"]] == ["INVALID"]


async def test_a_circle_i_left_drops_out_of_my_offer(gql: GraphQLClient, clock: FixedClock) -> None:
    calm, _, other = await _two_circles(gql)
    await join(gql, "ann", other)
    await set_availability(gql, "ann", clock.now() + hours(2), [calm, other])
    await gql.data(
        "mutation($input: CircleInput!) { leaveCircle(input: $input) { userErrors { code } } }",
        {"input": {"circleId": other}},
        as_="ann",
    )

    mine = (await gql.data(MY_AVAILABILITY, as_="ann"))["me"]["supportAvailability"]
    assert [c["id"] for c in mine["circles"]] == [calm]
