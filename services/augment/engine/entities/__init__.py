"""Entity-preservation strategies, chosen by name."""

from services.augment.engine.entities.base import EntityStrategy
from services.augment.engine.entities.locate import LocateStrategy
from services.augment.engine.entities.protect import ProtectStrategy

STRATEGIES: dict[str, type[LocateStrategy] | type[ProtectStrategy]] = {
    LocateStrategy.name: LocateStrategy,
    ProtectStrategy.name: ProtectStrategy,
}


def make_strategy(name: str) -> EntityStrategy:
    try:
        return STRATEGIES[name]()
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; choose from {', '.join(STRATEGIES)}") from None


__all__ = ["STRATEGIES", "EntityStrategy", "make_strategy"]
