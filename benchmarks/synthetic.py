"""Synthetic catalogs over the real taxonomy, from a fixed seed, for the recommend benchmark.

Each synthetic tool copies a randomly chosen real tool of the built-in catalog (its capability
profile with levels jittered by one, its governance, openness, formats, standards, deployment and
licence), so the distributions of capabilities, governance features and licences are the real
ones (each group of facts - governance, openness, formats and standards, deployment, licence -
is taken half of the time from another real tool, so that copies are not identical twins);
vendors are shared the way they are in the real catalog (about one vendor for three tools).
Integrations follow the real catalog's integration graph: a copy of a real tool integrates with a
copy of each tool the real one documents an integration with (same kind), so popular hubs stay
popular and integrations connect the tools that really work together, at the real density.
(Integrations drawn uniformly at random over all tools, as an earlier version did, leave almost
every pair of neighbouring tools on custom code, which makes thousands of stacks tie exactly.)
"""

from __future__ import annotations

import random
from dataclasses import replace

from evaluator.catalog import Catalog, load_catalog
from evaluator.models import Requirements, Tool
from evaluator.resources import builtin_stacks_dir

SEED = 20240917
_FACT_GROUPS = (
    ("governance",),
    ("openness",),
    ("formats", "standards"),
    ("deployment",),
    ("license", "license_history", "open_core"),
)


def synthetic_catalog(n_tools: int, seed: int = SEED) -> Catalog:
    real = load_catalog()
    templates = sorted(real.tools.values(), key=lambda t: t.id)
    rnd = random.Random(f"{seed}:{n_tools}")
    n_vendors = max(1, n_tools // 3)
    drafts: list[dict[str, object]] = []
    bases: list[Tool] = []
    for i in range(n_tools):
        base = rnd.choice(templates)
        bases.append(base)
        caps = {
            cap: max(1, min(3, lv + rnd.choice((-1, 0, 0, 0, 1))))
            for cap, lv in base.capabilities.items()
            if rnd.random() > 0.1
        }
        if rnd.random() < 0.2 or not caps:
            cap = rnd.choice(sorted(real.capabilities))
            caps.setdefault(cap, rnd.randint(1, 3))
        data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
        data.update(
            id=f"s{i:04d}-{base.id}"[:80],
            name=f"{base.name} #{i}",
            vendor=base.vendor if rnd.random() < 0.3 else f"vendor-{rnd.randrange(n_vendors)}",
            capabilities=caps,
            integrations=[],
        )
        # Real tools differ in more than their capability levels: each group of facts comes,
        # half of the time, from another real tool (so the marginal distributions stay the real
        # ones, but copies of one tool are not indistinguishable twins).
        for group in _FACT_GROUPS:
            if rnd.random() < 0.5:
                donor = rnd.choice(templates).model_dump(mode="json", by_alias=True)
                for key in group:
                    if donor.get(key) is None:
                        data.pop(key, None)
                    else:
                        data[key] = donor[key]
        drafts.append(data)
    copies: dict[str, list[str]] = {}
    for d, base in zip(drafts, bases, strict=True):
        copies.setdefault(base.id, []).append(str(d["id"]))
    for d, base in zip(drafts, bases, strict=True):
        links: dict[str, str] = {}
        for item in base.integrations:
            pool = copies.get(item.tool)
            if pool:
                target = rnd.choice(pool)
                if target != d["id"]:
                    links.setdefault(target, item.kind.value)
        d["integrations"] = [{"tool": t, "kind": k} for t, k in sorted(links.items())]
        # Facts borrowed from other tools: keep each unknown governance fact's note of what
        # was looked for, and drop place, level and evidence notes that belonged to the donors.
        governance = d.get("governance") or {}
        d["unverified"] = {
            f"governance.{k}": "synthetic copy of an unknown fact"
            for k, v in sorted(governance.items())
            if v == "unknown"
        }
        d["evidence"] = {}
    tools = {str(d["id"]): Tool.model_validate(d) for d in drafts}
    return replace(
        real, tools=dict(sorted(tools.items())), origin={t: "synthetic" for t in sorted(tools)}
    )


def synthetic_requirements(catalog: Catalog, seed: int = SEED) -> Requirements:
    """The shipped example's requirements, with its existing investments replaced by a synthetic
    warehouse under contract and an orchestrator in use (both passing the per-tool gates and
    meeting the data controls on their own)."""
    import yaml

    from evaluator.scoring import build_context
    from evaluator.scoring.gates import tool_gate_violations

    text = (builtin_stacks_dir() / "requirements.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["existing"] = []
    req = Requirements.model_validate(data)
    context = build_context(req, catalog)
    rnd = random.Random(seed)
    # An organisation under these rules keeps tools that meet the data controls themselves
    # (audit log, fine-grained access, lineage, SSO): otherwise no stack could keep them.
    ok = [
        t.id
        for t in sorted(catalog.tools.values(), key=lambda t: t.id)
        if not tool_gate_violations(t, context)
        and t.governance.sso
        and t.governance.audit
        and (t.governance.lineage or "openlineage" in t.standards)
        and t.governance.access_control.value == "fine"
    ]
    rnd.shuffle(ok)
    existing = []
    for cap, commitment in (("warehouse", "contract"), ("orchestration", "in-use")):
        taken = {e["tool"] for e in existing}
        tool = next(
            (t for t in ok if catalog.tools[t].capabilities.get(cap, 0) >= 2 and t not in taken),
            None,
        )
        if tool is not None:
            existing.append({"tool": tool, "commitment": commitment, "until": "2030-01-01"})
    data["existing"] = existing
    return Requirements.model_validate(data)
