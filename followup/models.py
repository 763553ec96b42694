"""Follow-up models: built by the follow-up issue."""
