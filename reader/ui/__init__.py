"""Qt widgets: everything a person sees; binds to the Player, does no work itself."""
