"""The Singer SDK's standard tap tests, run against the bundled sandbox."""

from __future__ import annotations

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_paycom.tap import TapPaycom

TestTapPaycom = get_tap_test_class(
    TapPaycom,
    config={"sandbox": True, "sandbox_employees": 40},
    suite_config=SuiteConfig(max_records_limit=500),
)
