"""Reaching people: the roster (who, when, how), channels through apprise, localized message templates."""
