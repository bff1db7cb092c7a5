"""Renderers turn findings into text or JSON; they never decide anything."""
