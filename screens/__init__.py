"""Textual screens (import name veldclient.screens). Only this package and veldclient.app import textual."""
