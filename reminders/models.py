"""Reminder bookkeeping: built by the follow-up issue."""
