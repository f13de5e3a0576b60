"""Tests for the health engine: plain Python, no Home Assistant."""
