#!/usr/bin/env python3
"""Prints the grafana-dashboards ConfigMap from dashboards/grafana/*.json (kustomize loads no file outside k8s/).
Run from the project root: python3 k8s/grafana-dashboards.py > k8s/grafana-dashboards.yaml"""
import glob
import os

out = ["# Hubwatch's Grafana dashboards, copied from dashboards/grafana/*.json (kustomize loads no file outside k8s/);",
       "# ManifestsTest checks that this copy equals the shipped files. Regenerate after editing a dashboard:",
       "#   python3 k8s/grafana-dashboards.py > k8s/grafana-dashboards.yaml",
       "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: grafana-dashboards", "  namespace: hubwatch", "data:"]
for f in sorted(glob.glob("dashboards/grafana/*.json")):
    out.append("  %s: |" % os.path.basename(f))
    for line in open(f).read().splitlines():
        out.append(("    " + line) if line else "")
print("\n".join(out))
