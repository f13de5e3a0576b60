"""A smart plug for blink_care's dev server: a real switch whose power feeds a simulated device.

Dev server only (scripts/develop links it into config/custom_components/). Switching the plug
off takes the device off the simulated Blink cloud, as cutting a Mini's power would; switching it
on brings the device back after it has booted. With it, blink_care's power_cycle action runs end
to end: plug off, wait, plug on, wait until Blink sees the device again.
"""
