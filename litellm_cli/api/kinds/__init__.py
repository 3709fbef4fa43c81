"""Adapters of the kinds of objects a state file holds; see base.py."""
