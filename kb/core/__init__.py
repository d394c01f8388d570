"""Shared by every layer: the domain exceptions (errors), atomic file writes (atomic) and
close-match suggestions (suggest). Imports nothing else of kb."""
