"""A validator for the subset of JSON Schema (draft-07) that protocol/schemas/*.json use.

jsonschema is not installed on the CI machines (no Debian package in the base image, no PyPI), so
the tests carry this small one. It knows: type, properties, required, additionalProperties,
items, minItems, maxItems, enum, const, oneOf, anyOf, allOf, not, pattern, minLength, maxLength,
minimum, maximum, exclusiveMinimum, exclusiveMaximum, $ref (same file or ``other.json#/...``) and
the protocol's own ``msgpackBin`` keyword (the value is msgpack bin, i.e. Python bytes). Any
other keyword that constrains values makes it raise, so a schema that outgrows the subset is
noticed instead of silently passing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

ANNOTATIONS = {"$schema", "$id", "title", "description", "definitions", "$defs", "default", "examples", "$comment"}
KNOWN = ANNOTATIONS | {
    "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "enum", "const",
    "oneOf", "anyOf", "allOf", "not", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "$ref", "msgpackBin",
}


class SchemaStore:
    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.docs: Dict[str, Any] = {p.name: json.loads(p.read_text()) for p in sorted(self.dir.glob("*.json"))}

    def errors(self, instance: Any, schema_file: str) -> List[str]:
        out: List[str] = []
        self._check(instance, self.docs[schema_file], schema_file, "$", out)
        return out

    def _resolve(self, ref: str, current: str) -> "tuple[Any, str]":
        file, _, pointer = ref.partition("#")
        file = file or current
        node = self.docs[file]
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, file

    def _check(self, x: Any, s: Any, file: str, path: str, out: List[str]) -> None:
        if s is True or s == {}:
            return
        if s is False:
            out.append(f"{path}: no value allowed")
            return
        unknown = set(s) - KNOWN
        if unknown:
            raise ValueError(f"schema keyword(s) {sorted(unknown)} in {file} are outside the validator's subset")
        if "$ref" in s:
            target, tfile = self._resolve(s["$ref"], file)
            self._check(x, target, tfile, path, out)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(_is_type(x, t) for t in types):
                out.append(f"{path}: expected type {s['type']}, got {type(x).__name__}")
                return
        if s.get("msgpackBin") is True and not isinstance(x, (bytes, bytearray)):
            out.append(f"{path}: expected msgpack bin, got {type(x).__name__}")
        if "const" in s and not _equal(x, s["const"]):
            out.append(f"{path}: expected const {s['const']!r}, got {x!r}")
        if "enum" in s and not any(_equal(x, e) for e in s["enum"]):
            out.append(f"{path}: {x!r} not in enum {s['enum']}")
        if isinstance(x, dict):
            for k in s.get("required", []):
                if k not in x:
                    out.append(f"{path}: missing required property {k!r}")
            props = s.get("properties", {})
            for k, v in x.items():
                if k in props:
                    self._check(v, props[k], file, f"{path}.{k}", out)
                elif "additionalProperties" in s:
                    ap = s["additionalProperties"]
                    if ap is False:
                        out.append(f"{path}: unexpected property {k!r}")
                    elif isinstance(ap, dict):
                        self._check(v, ap, file, f"{path}.{k}", out)
        if isinstance(x, list):
            if "minItems" in s and len(x) < s["minItems"]:
                out.append(f"{path}: fewer than {s['minItems']} items")
            if "maxItems" in s and len(x) > s["maxItems"]:
                out.append(f"{path}: more than {s['maxItems']} items")
            if isinstance(s.get("items"), dict):
                for i, v in enumerate(x):
                    self._check(v, s["items"], file, f"{path}[{i}]", out)
        if isinstance(x, str):
            if "pattern" in s and not re.search(s["pattern"], x):
                out.append(f"{path}: {x!r} does not match {s['pattern']!r}")
            if "minLength" in s and len(x) < s["minLength"]:
                out.append(f"{path}: shorter than {s['minLength']}")
            if "maxLength" in s and len(x) > s["maxLength"]:
                out.append(f"{path}: longer than {s['maxLength']}")
        if _is_type(x, "number"):
            if "minimum" in s and x < s["minimum"]:
                out.append(f"{path}: {x} < minimum {s['minimum']}")
            if "maximum" in s and x > s["maximum"]:
                out.append(f"{path}: {x} > maximum {s['maximum']}")
            if "exclusiveMinimum" in s and x <= s["exclusiveMinimum"]:
                out.append(f"{path}: {x} <= exclusiveMinimum {s['exclusiveMinimum']}")
            if "exclusiveMaximum" in s and x >= s["exclusiveMaximum"]:
                out.append(f"{path}: {x} >= exclusiveMaximum {s['exclusiveMaximum']}")
        for key in ("allOf", "anyOf", "oneOf"):
            if key in s:
                results = []
                for sub in s[key]:
                    sub_out: List[str] = []
                    self._check(x, sub, file, path, sub_out)
                    results.append(sub_out)
                passed = sum(1 for r in results if not r)
                if key == "allOf" and passed != len(results):
                    out.extend(e for r in results for e in r)
                if key == "anyOf" and passed == 0:
                    out.append(f"{path}: matches none of anyOf ({'; '.join(r[0] for r in results if r)})")
                if key == "oneOf" and passed != 1:
                    out.append(f"{path}: matches {passed} of oneOf, expected exactly 1")
        if "not" in s:
            sub_out = []
            self._check(x, s["not"], file, path, sub_out)
            if not sub_out:
                out.append(f"{path}: matches a 'not' schema")


def _is_type(x: Any, t: str) -> bool:
    if t == "object":
        return isinstance(x, dict)
    if t == "array":
        return isinstance(x, list)
    if t == "string":
        return isinstance(x, str)
    if t == "boolean":
        return isinstance(x, bool)
    if t == "null":
        return x is None
    if t == "integer":
        return (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer())
    if t == "number":
        return isinstance(x, (int, float)) and not isinstance(x, bool)
    raise ValueError(f"unknown JSON Schema type {t!r}")


def _equal(a: Any, b: Any) -> bool:
    # JSON equality: true is not 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b
