"""The Meltano Hub definition and meltano.yml agree with what the tap says about itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from tap_paycom.regions import REGIONS
from tests.conftest import REPO

HUB = REPO / "hub" / "_data" / "meltano" / "extractors" / "tap-paycom" / "tap-paycom.yml"
SCHEMAS = Path(__file__).parent / "data" / "meltano-hub"
KINDS = {"string": "string", "integer": "integer", "number": "decimal", "boolean": "boolean",
         "array": "array", "object": "object"}


@pytest.fixture(scope="module")
def about() -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "tap_paycom", "--about", "--format=json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def hub() -> dict[str, Any]:
    return yaml.safe_load(HUB.read_text())


def flattened(properties: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Settings as the Hub names them: objects with fixed keys become dotted leaves."""
    leaves = {}
    for name, spec in properties.items():
        sub = spec.get("properties") or {}
        if sub and not isinstance(spec.get("additionalProperties"), dict):
            leaves.update(flattened(sub, f"{prefix}{name}."))
        else:
            leaves[f"{prefix}{name}"] = spec
    return leaves


def expected_kind(spec: dict[str, Any]) -> str:
    if "enum" in spec:
        return "options"
    types = [t for t in spec.get("type", ["object"]) if t != "null"]
    return KINDS[types[0]]


def test_the_definition_is_valid_for_the_hub(hub: dict[str, Any]):
    resources = [(path.relative_to(SCHEMAS).as_posix(),
                  Resource.from_contents(json.loads(path.read_text())))
                 for path in SCHEMAS.rglob("*.json")]
    registry = Registry().with_resources(
        [(f"https://hub.test/{name}", resource) for name, resource in resources])
    root = registry.contents("https://hub.test/plugin_definitions/extractors.schema.json")
    validator = Draft7Validator(
        {**root, "$id": "https://hub.test/plugin_definitions/extractors.schema.json"},
        registry=registry)
    errors = sorted(str(error.message) for error in validator.iter_errors(hub))
    assert errors == []


def test_settings_names_kinds_and_secrets_match_about(hub: dict[str, Any],
                                                      about: dict[str, Any]):
    settings = flattened(about["settings"]["properties"])
    by_name = {s["name"]: s for s in hub["settings"]}
    assert list(by_name) == list(settings)
    for name, spec in settings.items():
        entry = by_name[name]
        if name == "region":  # a string in the schema; the Hub offers the three regions
            assert entry["kind"] == "options"
            assert [o["value"] for o in entry["options"]] == list(REGIONS)
        else:
            assert entry["kind"] == expected_kind(spec), name
        assert bool(entry.get("sensitive")) == bool(spec.get("writeOnly")), name
        if spec.get("default") is not None:
            assert entry.get("value") == spec["default"], name
    assert [name for name, spec in settings.items() if spec.get("writeOnly")] == ["token"]


def test_capabilities_and_select_match(hub: dict[str, Any], about: dict[str, Any]):
    assert sorted(hub["capabilities"]) == sorted(about["capabilities"])
    assert hub["select"] == ["*.*", "!employees.personal_*"]


def test_meltano_yml_agrees_with_the_hub(hub: dict[str, Any]):
    project = yaml.safe_load((REPO / "meltano.yml").read_text())
    extractor = project["plugins"]["extractors"][0]
    hub_settings = {s["name"]: s for s in hub["settings"]}
    for setting in extractor["settings"]:
        ours = hub_settings[setting["name"]]
        assert (setting["kind"], bool(setting.get("sensitive"))) == (
            ours["kind"], bool(ours.get("sensitive"))), setting["name"]
    own = [name for name in hub_settings
           if not name.startswith(("stream_map", "faker_config", "flattening", "batch_config"))]
    assert [s["name"] for s in extractor["settings"]] == own
    assert sorted(extractor["capabilities"]) == sorted(hub["capabilities"])
    assert extractor["select"] == hub["select"]
    assert extractor["settings_group_validation"] == hub["settings_group_validation"]
