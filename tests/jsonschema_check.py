"""Validate a JSON document against the subset of JSON Schema that
doc/parcp-json.schema.json uses (type, enum, required, properties,
additionalProperties, items, minimum).  Exit 1 with a line per problem.
Usage: jsonschema_check.py SCHEMA DOCUMENT"""
import json
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool,
         "number": (int, float), "integer": int}


def check(schema, value, where, bad):
    t = schema.get("type")
    if t is not None:
        ok = isinstance(value, TYPES[t])
        if t in ("integer", "number") and isinstance(value, bool):
            ok = False
        if not ok:
            bad.append("%s: %r is not of type %s" % (where, value, t))
            return
    if "enum" in schema and value not in schema["enum"]:
        bad.append("%s: %r not one of %r" % (where, value, schema["enum"]))
    if "minimum" in schema and isinstance(value, (int, float)) and \
            value < schema["minimum"]:
        bad.append("%s: %r below %r" % (where, value, schema["minimum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                bad.append("%s: %s missing" % (where, k))
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                check(props[k], v, where + "." + k, bad)
            elif schema.get("additionalProperties") is False:
                bad.append("%s: unexpected %s" % (where, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(schema["items"], v, "%s[%d]" % (where, i), bad)


def main():
    schema = json.load(open(sys.argv[1]))
    doc = json.load(open(sys.argv[2]))
    bad = []
    check(schema, doc, "$", bad)
    for b in bad:
        print(b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
