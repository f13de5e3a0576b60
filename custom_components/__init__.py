"""Lets tests import `custom_components.blink_care`; HACS ships only blink_care/ itself."""
