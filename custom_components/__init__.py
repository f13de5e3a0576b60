"""Lets tests import the integration as `custom_components.blink_care` (HACS ships only blink_care/)."""
