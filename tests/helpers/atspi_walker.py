"""Reads Reader's accessibility tree from outside its process, as a screen reader does.

Run with the system's Python (it needs the `gi` Atspi bindings, from Debian's python3-gi
and gir1.2-atspi-2.0), never imported by the tests:

    python3 atspi_walker.py tree             the app's windows as JSON
    python3 atspi_walker.py focus            the focused object as JSON
    python3 atspi_walker.py listen SECONDS   events as JSON lines, until SECONDS pass
    python3 atspi_walker.py press KEY...     press each key (xdotool's names), and say what
                                             gained focus after each
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

APP = "Reader"
STATES = ("focusable", "focused", "enabled", "showing", "visible", "editable", "checked")


def app() -> Atspi.Accessible:
    desktop = Atspi.get_desktop(0)
    for _ in range(100):
        for index in range(desktop.get_child_count()):
            child = desktop.get_child_at_index(index)
            if child is not None and child.get_name() == APP:
                return child
        time.sleep(0.1)
    raise SystemExit(f"no application named {APP} on the accessibility bus")


def describe(node: Atspi.Accessible) -> dict[str, object]:
    states = node.get_state_set()
    found: dict[str, object] = {
        "role": node.get_role_name(),
        "name": node.get_name() or "",
        "description": node.get_description() or "",
        "states": [s for s in STATES if states.contains(getattr(Atspi.StateType, s.upper()))],
    }
    interfaces = node.get_interfaces()
    found["interfaces"] = list(interfaces)
    if "Text" in interfaces:
        found["text"] = text_of(node)
        if Atspi.Text.get_n_selections(node) > 0:
            selected = Atspi.Text.get_selection(node, 0)
            found["selection"] = [selected.start_offset, selected.end_offset]
    if "Value" in interfaces:
        found["value"] = [
            Atspi.Value.get_minimum_value(node),
            Atspi.Value.get_current_value(node),
            Atspi.Value.get_maximum_value(node),
        ]
    relations = []
    for relation in node.get_relation_set() or []:
        kind = relation.get_relation_type().value_nick
        for index in range(relation.get_n_targets()):
            target = relation.get_target(index)
            relations.append([kind, target.get_name() or ""])
    found["relations"] = relations
    return found


def text_of(node: Atspi.Accessible, limit: int = 400) -> str:
    count = Atspi.Text.get_character_count(node)
    return Atspi.Text.get_text(node, 0, min(count, limit)) or ""


def tree(node: Atspi.Accessible, depth: int = 0) -> dict[str, object]:
    found = describe(node)
    children = []
    if depth < 30:
        for index in range(node.get_child_count()):
            child = node.get_child_at_index(index)
            if child is not None:
                children.append(tree(child, depth + 1))
    found["children"] = children
    return found


def focused(root: Atspi.Accessible) -> dict[str, object] | None:
    """The object with keyboard focus: of those that say they have it, the one met last in
    the tree's order (a current page tab says it is focused while its page's control has
    the focus; the control comes after it)."""
    found = None
    stack = [root]
    while stack:
        node = stack.pop()
        try:
            states = node.get_state_set()
            if not states.contains(Atspi.StateType.SHOWING) and node is not root:
                continue  # a closed popup's items keep their old focus state
            if states.contains(Atspi.StateType.FOCUSED) and states.contains(
                Atspi.StateType.FOCUSABLE
            ):
                found = node
            children = [node.get_child_at_index(i) for i in range(node.get_child_count())]
            stack.extend(reversed([c for c in children if c is not None]))
        except GLib.Error:
            continue
    return describe(found) if found is not None else None


def listen(seconds: float) -> None:
    kinds = (
        "object:announcement",
        "object:text-changed",
        "object:property-change:accessible-name",
        "object:property-change:accessible-value",
        "object:text-selection-changed",
        "object:text-attributes-changed",
        "object:text-caret-moved",
        "object:state-changed:focused",
    )

    def on_event(event: Atspi.Event) -> None:
        try:
            source = event.source
            line = {
                "type": event.type,
                "role": source.get_role_name() if source else "",
                "name": (source.get_name() or "") if source else "",
                "detail1": event.detail1,
                "any": str(event.any_data) if event.any_data is not None else "",
            }
            if source is not None and "Text" in source.get_interfaces():
                line["text"] = text_of(source, 200)
            print(json.dumps(line), flush=True)
        except GLib.Error:
            pass

    listener = Atspi.EventListener.new(on_event)
    for kind in kinds:
        listener.register(kind)
    print(json.dumps({"type": "ready"}), flush=True)
    GLib.timeout_add(int(seconds * 1000), lambda: Atspi.event_quit() or False)
    Atspi.event_main()


def press(keys: list[str]) -> list[dict[str, object] | None]:
    """Press each of `keys` in turn (through XTest, as a keyboard does) and follow the focus
    as a screen reader does, by the focus events the application sends: after each key,
    the object that gained focus last (None if none did)."""
    app()  # the application is on the bus before the first key
    gained: list[Atspi.Accessible] = []

    def on_focus(event: Atspi.Event) -> None:
        if event.detail1 == 1 and event.source is not None:
            gained.append(event.source)

    listener = Atspi.EventListener.new(on_focus)
    listener.register("object:state-changed:focused")
    out: list[dict[str, object] | None] = []
    for key in keys:
        gained.clear()
        subprocess.run(["xdotool", "key", key], check=True)
        GLib.timeout_add(300, lambda: Atspi.event_quit() or False)
        Atspi.event_main()
        out.append(describe(gained[-1]) if gained else None)
    listener.deregister("object:state-changed:focused")
    return out


def main() -> None:
    command = sys.argv[1]
    if command == "tree":
        print(json.dumps(tree(app())))
    elif command == "focus":
        print(json.dumps(focused(app())))
    elif command == "listen":
        listen(float(sys.argv[2]))
    elif command == "press":
        print(json.dumps(press(sys.argv[2:])))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    Atspi.init()
    main()
