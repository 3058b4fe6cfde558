// Staging-label moves, as Secrets Manager does them. Pure functions over a version list: a label
// sits on at most one version; moving AWSCURRENT leaves AWSPREVIOUS on the version it left.

import type { VersionMeta } from "./secret-types.js";

export const CURRENT = "AWSCURRENT";
export const PREVIOUS = "AWSPREVIOUS";
export const PENDING = "AWSPENDING";

const sorted = (labels: Iterable<string>) => [...new Set(labels)].sort();

export function versionWithLabel(versions: VersionMeta[], label: string): VersionMeta | undefined {
  return versions.find((v) => v.stages.includes(label));
}

/** Attach `label` to `versionId`, taking it off whichever version held it. */
export function moveLabel(versions: VersionMeta[], label: string, versionId: string): VersionMeta[] {
  const holder = versionWithLabel(versions, label);
  if (holder?.versionId === versionId) return versions;
  let next = versions.map((v) => {
    if (v.versionId === versionId) return { ...v, stages: sorted([...v.stages, label]) };
    if (v.stages.includes(label)) return { ...v, stages: v.stages.filter((s) => s !== label) };
    return v;
  });
  if (label === CURRENT && holder) next = moveLabel(next, PREVIOUS, holder.versionId);
  return next;
}

export function removeLabel(versions: VersionMeta[], label: string, versionId: string): VersionMeta[] {
  return versions.map((v) => (v.versionId === versionId ? { ...v, stages: v.stages.filter((s) => s !== label) } : v));
}

/** Add a new version carrying `labels` (AWSCURRENT by default), moving each label onto it. */
export function addVersion(versions: VersionMeta[], version: VersionMeta, labels: string[]): VersionMeta[] {
  let next = [...versions, { ...version, stages: [] }];
  for (const label of sorted(labels)) next = moveLabel(next, label, version.versionId);
  return next;
}

/**
 * Keep at most `limit` versions: drop the oldest versions that carry no label. Labeled versions
 * are never dropped.
 */
export function pruneVersions(versions: VersionMeta[], limit: number): { kept: VersionMeta[]; dropped: string[] } {
  const excess = versions.length - limit;
  if (excess <= 0) return { kept: versions, dropped: [] };
  const dropped = versions
    .filter((v) => v.stages.length === 0)
    .sort((a, b) => a.createdDate - b.createdDate)
    .slice(0, excess)
    .map((v) => v.versionId);
  return { kept: versions.filter((v) => !dropped.includes(v.versionId)), dropped };
}
