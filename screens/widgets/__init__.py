"""Reusable widgets (import name veldclient.screens.widgets)."""
