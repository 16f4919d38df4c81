"""The cost limit: an estimate of how many objects and fields an operation can touch,
refused before execution when it is over budget.

Each field costs 1 for every time it can appear: a field inside a connection asked
for with ``first: 20`` counts 20 times, and inside another ``first: 3`` list, 60
times. ``first`` given as a variable counts as its default, or as the largest page
(50) when it has none: validation runs once per document, whatever the variables.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)

from api.pagination import MAX_PAGE

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"


def _page_of(field: FieldNode, defaults: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):  # over 50 is refused when it runs anyway
            return min(MAX_PAGE, max(1, int(value.value)))
        if isinstance(value, VariableNode):
            default = defaults.get(value.name.value)
            return max(1, int(default)) if isinstance(default, int) else MAX_PAGE
    return 1


def operation_cost(
    context: ValidationContext, operation: OperationDefinitionNode, give_up_above: int
) -> int:
    defaults: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        default = definition.default_value
        if isinstance(default, IntValueNode):
            defaults[definition.variable.name.value] = int(default.value)

    def cost(selection_set: SelectionSetNode | None, times: int, seen: frozenset[str]) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if total > give_up_above:
                break
            if isinstance(selection, FieldNode):
                total += times
                if selection.selection_set is not None:
                    # past the limit the exact figure does not matter (nor may it grow
                    # beyond what JSON numbers hold)
                    inner = min(times * _page_of(selection, defaults), give_up_above + 1)
                    total += cost(selection.selection_set, inner, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += cost(selection.selection_set, times, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = context.get_fragment(name)
                if fragment is not None and name not in seen:
                    total += cost(fragment.selection_set, times, seen | {name})
        return total

    return cost(operation.selection_set, 1, frozenset())


def cost_rule(max_cost: int) -> type[ValidationRule]:
    """A validation rule that refuses operations whose estimated cost is over ``max_cost``."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            total = operation_cost(self.context, node, max_cost)
            if total > max_cost:
                name = node.name.value if node.name else "The operation"
                self.report_error(
                    GraphQLError(
                        f"{name} may cost {total} or more, over the limit of {max_cost}: ask "
                        "for smaller pages (`first`) or fewer fields.",
                        node,
                        extensions={"code": COST_LIMIT_EXCEEDED, "cost": total, "limit": max_cost},
                    )
                )

    return CostLimit
