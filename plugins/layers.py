"""Which checks of a test that carries several layers (``a11y``, ``visual``) the run's ``-m`` asks for.

A screen is reached once and then both scanned and photographed (reaching it is the expensive
part), so one test carries both markers. ``-m a11y`` should still mean the scans only, and
``-m "not visual"`` the scans without the screenshots: before pytest deselects by marker, each
such test keeps only the markers of the layers the expression wants on their own, and the layers'
fixtures do nothing for the others. Without ``-m`` every layer runs.

A layer may also be unavailable to a whole run (``unavailable``: the screenshots' baselines show the
bundled portal, not a deployment): its checks are left out as if ``-m`` had, and a test left with
no layer to check is deselected, never passed with nothing checked.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

LAYERS = ("a11y", "visual")
DROPPED = pytest.StashKey[frozenset[str]]()  # layers of a test that this run's -m leaves out
UNAVAILABLE = pytest.StashKey[dict[str, str]]()  # layer -> why this run cannot check it
LEFT_OUT = pytest.StashKey[int]()  # tests deselected because their only wanted layer is unavailable
UNCHECKED = pytest.StashKey[frozenset[str]]()  # layers of a test that this run's -m wants and cannot check


def unavailable(config: pytest.Config, layer: str, reason: str) -> None:
    """Leave ``layer``'s checks out of this run, for ``reason`` (said in the layer's summary)."""
    config.stash.setdefault(UNAVAILABLE, {})[layer] = reason


def why_unavailable(config: pytest.Config, layer: str) -> str | None:
    """Return why this run leaves ``layer`` out, or None when it checks it."""
    return config.stash.get(UNAVAILABLE, {}).get(layer)


def wanted(expression: str, names: Iterable[str]) -> bool:
    """Evaluate a ``-m`` expression for an item carrying exactly the markers ``names``."""
    from _pytest.mark.expression import Expression  # pytest's own parser: the same answers as -m

    present = set(names)
    return Expression.compile(expression).evaluate(lambda name, /, **kwargs: name in present)


def active_layers(item: pytest.Item, expression: str) -> frozenset[str]:
    """Return the layers of ``item`` that ``expression`` selects, each on its own; all of them if only together."""
    names = {mark.name for mark in item.iter_markers()}
    layers = names.intersection(LAYERS)
    if len(layers) < 2 or not expression:
        return frozenset(layers)
    alone = frozenset(layer for layer in layers if wanted(expression, names - (layers - {layer})))
    if alone:
        return alone
    return frozenset(layers) if wanted(expression, names) else frozenset()


@pytest.hookimpl(tryfirst=True)  # before pytest deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expression, missing = config.option.markexpr, config.stash.get(UNAVAILABLE, {})
    kept, left_out = [], []
    for item in items:
        wanted_layers = active_layers(item, expression)
        active = wanted_layers - missing.keys()
        dropped = frozenset({mark.name for mark in item.iter_markers()}.intersection(LAYERS) - active)
        if wanted_layers and not active:  # nothing this run can check is left in it
            left_out.append(item)
            continue
        kept.append(item)
        item.stash[UNCHECKED] = wanted_layers - active
        if active and dropped:  # so that "-m 'not visual'" keeps the test for its scans
            item.stash[DROPPED] = dropped
            item.own_markers[:] = [mark for mark in item.own_markers if mark.name not in dropped]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[LEFT_OUT] = len(left_out)


def layer_active(item: pytest.Item, layer: str) -> bool:
    """Tell whether ``layer``'s checks run in ``item``: always, unless this run's ``-m`` leaves them out."""
    return layer not in item.stash.get(DROPPED, frozenset())
