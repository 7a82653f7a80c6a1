#!/usr/bin/env python3
"""Turn Prometheus range-query exports into a `capsim autoscaler dry-run --metrics` file.

Each input is the JSON that /api/v1/query_range returns (resultType matrix), saved with e.g.
  curl -s "$PROM/api/v1/query_range" --data-urlencode 'query=...' -d start=... -d end=... -d step=15s > cpu.json
Run the queries with the same start, end and step (the HPA's sync period, 15s); each step
becomes one sync. Pod series are matched by their `pod` label.

  --replicas  kube_deployment_spec_replicas{deployment="crm-de"}
  --cpu       sum by (pod) (rate(container_cpu_usage_seconds_total{pod=~"crm-de-.*",container!=""}[30s]))
  --requests  sum by (pod) (kube_pod_container_resource_requests{resource="cpu",pod=~"crm-de-.*"})
  --ready     kube_pod_status_ready{condition="true",pod=~"crm-de-.*"}
  --start     kube_pod_start_time{pod=~"crm-de-.*"}
  --pods-metric NAME=FILE   a per-pod custom metric (HPA type Pods), by pod
  --external NAME=FILE      an External metric (the series' values are summed)
  --capsim KEY=FILE         a value for a KEDA prometheus trigger, e.g.
                            'rate(capsim_requests_total[120s])=rps.json'

Standard library only. Writes the metrics file to standard output.
"""
import argparse
import json
import sys


def series(path):
    with open(path) as f:
        doc = json.load(f)
    result = doc.get("data", {}).get("result", [])
    return [(s.get("metric", {}), {float(t): float(v) for t, v in s.get("values", [])}) for s in result]


def by_pod(path):
    return {labels.get("pod", ""): values for labels, values in series(path)} if path else {}


def named(pairs):
    out = {}
    for pair in pairs or []:
        name, _, path = pair.rpartition("=")
        out[name] = series(path)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicas", required=True)
    p.add_argument("--cpu")
    p.add_argument("--requests")
    p.add_argument("--ready")
    p.add_argument("--start")
    p.add_argument("--window", type=float, default=30, help="the cpu rate window in seconds (default 30)")
    p.add_argument("--pods-metric", action="append")
    p.add_argument("--external", action="append")
    p.add_argument("--capsim", action="append")
    a = p.parse_args()

    replicas = series(a.replicas)[0][1]
    cpu, requests, ready, start = by_pod(a.cpu), by_pod(a.requests), by_pod(a.ready), by_pod(a.start)
    pods_metrics, external, capsim = named(a.pods_metric), named(a.external), named(a.capsim)
    ready_since = {}
    syncs = []
    for t in sorted(replicas):
        sync = {"time": t, "replicas": int(replicas[t]), "pods": []}
        names = sorted(set(n for values in (cpu, requests, ready, start) for n, v in values.items() if t in v))
        for name in names:
            pod = {"name": name}
            if t in start.get(name, {}):
                pod["start"] = start[name][t]
            if t in ready.get(name, {}):
                is_ready = ready[name][t] >= 1
                if ready_since.get(name, (None, None))[0] != is_ready:
                    ready_since[name] = (is_ready, t)
                pod["ready"], pod["readySince"] = is_ready, ready_since[name][1]
            if t in requests.get(name, {}):
                pod["cpuRequest"] = "%dm" % round(requests[name][t] * 1000)
            if t in cpu.get(name, {}):
                pod["cpu"] = {"usage": "%dm" % round(cpu[name][t] * 1000), "timestamp": t, "window": a.window}
            for metric, result in pods_metrics.items():
                for labels, values in result:
                    if labels.get("pod") == name and t in values:
                        pod.setdefault("metrics", {})[metric] = "%dm" % round(values[t] * 1000)
            sync["pods"].append(pod)
        for metric, result in external.items():
            values = ["%dm" % round(v[t] * 1000) for _, v in result if t in v]
            if values:
                sync.setdefault("external", {})[metric] = values
        for key, result in capsim.items():
            values = [v[t] for _, v in result if t in v]
            if values:
                sync.setdefault("capsim", {})[key] = values[0]
        syncs.append(sync)
    json.dump({"syncs": syncs}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
