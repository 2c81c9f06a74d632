"""tap-paycom: a Singer tap for Paycom, built with the Meltano Singer SDK."""
