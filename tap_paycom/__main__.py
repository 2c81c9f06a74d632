"""``python -m tap_paycom``: the same as the ``tap-paycom`` command."""

from tap_paycom.tap import TapPaycom

TapPaycom.cli()
