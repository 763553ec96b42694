"""Report archive models: built by the status-report issue."""
