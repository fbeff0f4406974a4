"""The registry of the sandbox's test hooks (POST /sandbox/_control/<action>/, see control.py): each
emulator declares its own actions and what `reset` must forget, in its own package, e.g.

    @control_action("zoom-delete-meeting")
    def delete_meeting(data: dict) -> dict: ...

    reset_tables(ZoomMeeting, ZoomDailyWrites)

An action takes the request's fields and answers a JSON-able dict; a missing or bad field may raise
KeyError, ValueError or a model's DoesNotExist, which the control view answers as a 400."""

from collections.abc import Callable
from dataclasses import dataclass, field

Action = Callable[[dict], dict]

ACTIONS: dict[str, Action] = {}
RESET_HOOKS: list[Callable[[], None]] = []


def flag(data: dict, name: str, default: bool = False) -> bool:
    """A yes/no field of a test hook, as JSON or as a sandbox page's form sends it."""
    return str(data.get(name, default)).lower() in ("true", "1", "on")


def control_action(name: str) -> Callable[[Action], Action]:
    def decorator(handler: Action) -> Action:
        if ACTIONS.get(name, handler) is not handler:
            raise ValueError(f"The sandbox already has a control action called {name!r}.")
        ACTIONS[name] = handler
        return handler

    return decorator


def remove_control_action(name: str) -> None:
    ACTIONS.pop(name, None)


def on_reset(hook: Callable[[], None]) -> Callable[[], None]:
    """Run `hook` when the sandbox is reset (the `reset` action)."""
    RESET_HOOKS.append(hook)
    return hook


def remove_reset_hook(hook: Callable[[], None]) -> None:
    if hook in RESET_HOOKS:
        RESET_HOOKS.remove(hook)


def reset_tables(*models) -> Callable[[], None]:
    """A reset hook that empties these tables; returned for remove_reset_hook."""
    def forget() -> None:
        for model in models:
            model.objects.all().delete()

    return on_reset(forget)


# --- cards on the sandbox page (/sandbox/) ----------------------------------------------------------

@dataclass(frozen=True, eq=False)
class PageCard:
    """An emulator's card on the sandbox page: its template, included in the page with what
    `context(request)` returns as `<name>`, and the routes of its forms, under /sandbox/_<name>/."""

    name: str
    template: str
    context: Callable
    urlpatterns: list = field(default_factory=list)
    order: int = 100


PAGE_CARDS: list[PageCard] = []


def page_card(name: str, *, template: str, context: Callable, urlpatterns: list | None = None,
              order: int = 100) -> PageCard:
    """Add an emulator's card to the sandbox page (the page names none of them)."""
    card = PageCard(name, template, context, urlpatterns or [], order)
    PAGE_CARDS.append(card)
    PAGE_CARDS.sort(key=lambda c: c.order)
    return card
