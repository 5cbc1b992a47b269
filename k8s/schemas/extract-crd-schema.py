#!/usr/bin/env python3
"""Extracts the openAPIV3Schema of one served version of a CustomResourceDefinition into a small JSON Schema file.

    extract-crd-schema.py CRD.yaml VERSION OUT.json [PRUNE_KEY ...]

Descriptions are dropped, and every property named in PRUNE_KEY (pod templates, say) is replaced by an open object:
the rest of the schema (every field name, type, enum, pattern, bound and required list the CRD declares) is kept as is.
The CRD files come from the operators' release tags named in k8s/README.md.
"""
import json
import sys

import yaml


def strip(node, prune):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "description":
                continue
            if k == "properties" and isinstance(v, dict):
                out[k] = {name: ({"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                                 if name in prune else strip(sub, prune)) for name, sub in v.items()}
            else:
                out[k] = strip(v, prune)
        return out
    if isinstance(node, list):
        return [strip(v, prune) for v in node]
    return node


def main():
    crd_file, version, out_file, prune = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
    with open(crd_file) as f:
        crd = next(d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition")
    served = [v for v in crd["spec"]["versions"] if v["name"] == version]
    if not served:
        sys.exit(f"{crd_file}: no version {version}")
    schema = strip(served[0]["schema"]["openAPIV3Schema"], prune)
    schema["x-hubwatch-source"] = f"{crd['metadata']['name']} {version}, extracted by extract-crd-schema.py"
    with open(out_file, "w") as f:
        json.dump(schema, f, indent=None, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
