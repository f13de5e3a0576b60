"""Tests of blink_care."""
