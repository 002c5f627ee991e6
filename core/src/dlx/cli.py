"""``python -m dlx info``: installed backends and plugins, versions, capabilities, and which
backend is active and why."""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import PackageNotFoundError, version


def _dist_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def info(as_json: bool = False, out=sys.stdout) -> int:
    import dlx
    from dlx.backend import registry
    from dlx.plugins import manager

    records = registry.records()
    try:
        active, why = registry.select_default()
    except Exception as e:
        active, why = None, f"selection failed: {e}"
    rows = []
    for rec in sorted(records.values(), key=lambda r: (-r.priority, r.name)):
        row = {"name": rec.name, "aliases": list(rec.aliases), "target": rec.target,
               "distribution": rec.distribution, "priority": rec.priority,
               "auto_select": rec.auto_select, "usable": registry.usable(rec)}
        if row["usable"]:
            try:
                b = registry.get(rec.name)
                details = b.info()
                row.update(framework_version=details["framework_version"], device=details["device"],
                           spec_version=details["spec_version"], capabilities=details["capabilities"],
                           ops=details["ops"], reference_fallbacks=details["reference_fallbacks"])
                if not b.capabilities.training:
                    row["note"] = "inference-only: " + b.capabilities.reason("training")
            except Exception as e:
                row["error"] = f"{type(e).__name__}: {e}"
        rows.append(row)
    data = {"dlx": dlx.__version__, "active": active, "why": why, "backends": rows,
            "broken_plugins": {k: f"{type(e).__name__}: {e}" for k, e in manager.BROKEN.items()},
            "plugins": sorted(n for n, _ in manager.plugin_manager().list_name_plugin())}
    if as_json:
        json.dump(data, out, indent=1)
        out.write("\n")
        return 0
    print(f"dlx {dlx.__version__}", file=out)
    print(f"active backend: {active} ({why})", file=out)
    print("backends:", file=out)
    for r in rows:
        mark = "*" if r["name"] == active else " "
        head = f" {mark} {r['name']:<10}"
        if "error" in r:
            print(f"{head} ERROR {r['error']}", file=out)
            continue
        if not r["usable"]:
            print(f"{head} not usable (framework not installed)", file=out)
            continue
        caps = ", ".join(k for k, v in r["capabilities"].items() if v is True)
        alias = f" aliases={','.join(r['aliases'])}" if r["aliases"] else ""
        print(f"{head} {r['framework_version']:<12} device={r['device']} spec=v{r['spec_version']} "
              f"priority={r['priority']}{alias}", file=out)
        print(f"{'':14}capabilities: {caps or '-'}", file=out)
        ops = r["ops"]
        print(f"{'':14}ops: {ops['native']} native, {ops['decomposition']} decomposed, "
              f"{ops['reference']} by reference fallback", file=out)
        if r["reference_fallbacks"]:
            print(f"{'':14}reference fallbacks: {', '.join(r['reference_fallbacks'])}", file=out)
        if r.get("note"):
            print(f"{'':14}{r['note']}", file=out)
    for k, e in data["broken_plugins"].items():
        print(f"broken plugin {k}: {e}", file=out)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m dlx")
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("info", help="list backends and plugins, and the active backend")
    i.add_argument("--json", action="store_true")
    d = sub.add_parser("demo", help="train a small CNN on MNIST-5k, evaluate, save, reload, report accuracy")
    d.add_argument("--backend", default=None, help="backend name (default: the best installed one)")
    d.add_argument("--epochs", type=int, default=12)
    d.add_argument("--batch-size", type=int, default=32)
    args = p.parse_args(argv)
    if args.command == "info":
        return info(args.json)
    if args.command == "demo":
        from dlx import demo

        res = demo.run(args.backend, epochs=args.epochs, batch_size=args.batch_size)
        return 0 if res["reload_matches"] else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
