"""Breakthrough — the frame: page config, navigation, the shared filter bar (`components.frame.app`)."""

from components import frame

frame.app()
