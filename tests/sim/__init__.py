"""Tests of the simulated Blink cloud, driven through blinkpy's own HTTP code."""
