"""Thin adapters to the outside world: assign an owner, notify staff, inform the customer."""
