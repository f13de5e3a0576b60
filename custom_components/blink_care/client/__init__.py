"""Blink cloud client: login, requests and parsing into typed snapshots.

This layer knows Blink and blinkpy, and nothing of Home Assistant.
"""
