"""Replaying real Intercom response bodies to the tap (see `corpus`, `server`, `compare`)."""
