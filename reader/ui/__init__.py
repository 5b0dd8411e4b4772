"""The window: Qt widgets, dialogs, the tray, the single-instance server and the Player.

Everything a person sees; widgets bind to the `player.Player` model and do no network,
disk or audio work on the GUI thread (`background` runs that on workers). May import every
core layer; nothing below imports it.
"""
