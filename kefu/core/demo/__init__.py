"""Demo data for `kefu demo`: a registry of steps (registry.py) that apps extend with their
own `kefu/<app>/demo.py`; the core steps (steps.py) build the company every step uses."""

from kefu.core.demo import steps as _core_steps  # noqa: F401  (registers the core steps)
