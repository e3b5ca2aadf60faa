"""orient-console: an interactive console for OrientDB-style multi-model databases."""

__version__ = "0.1.0"
