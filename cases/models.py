"""Concern cases: built by the cases issue."""
