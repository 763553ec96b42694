"""Meetings of every body: built by the meetings issue."""
