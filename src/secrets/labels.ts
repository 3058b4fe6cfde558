// Staging-label moves, as Secrets Manager does them. Pure functions over a version list: a label
// sits on at most one version; moving AWSCURRENT leaves AWSPREVIOUS on the version it left.

import type { VersionMeta } from "../contract/secret-types.js";

export const CURRENT = "AWSCURRENT";
export const PREVIOUS = "AWSPREVIOUS";
export const PENDING = "AWSPENDING";

/** A secret holds at most this many distinct staging labels across its versions. */
export const MAX_LABELS = 20;
/** Versions a secret may hold; past it the oldest unlabeled versions go, if old enough. */
export const MAX_VERSIONS = 100;
/** Unlabeled versions younger than this are never dropped to make room. */
export const MIN_DROP_AGE_MS = 24 * 60 * 60 * 1000;

const sorted = (labels: Iterable<string>) => [...new Set(labels)].sort();

export function versionWithLabel(versions: VersionMeta[], label: string): VersionMeta | undefined {
  return versions.find((v) => v.stages.includes(label));
}

/** How many distinct labels the versions carry (the quota counts across all versions). */
export function labelCount(versions: VersionMeta[]): number {
  return new Set(versions.flatMap((v) => v.stages)).size;
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

/**
 * Add a new version carrying `labels`, moving each label onto it. The first version of a secret
 * always gets AWSCURRENT. When the new version takes AWSCURRENT, the version it leaves keeps
 * AWSPREVIOUS but loses AWSPENDING: a finished rotation leaves AWSPENDING beside AWSCURRENT, and
 * AWS does not let it linger on the now-previous version (recorded against real AWS).
 */
export function addVersion(versions: VersionMeta[], version: VersionMeta, labels: string[]): VersionMeta[] {
  const wanted = versions.length === 0 ? [...labels, CURRENT] : labels;
  const leaving = wanted.includes(CURRENT) ? versionWithLabel(versions, CURRENT) : undefined;
  let next = [...versions, { ...version, stages: [] }];
  for (const label of sorted(wanted)) next = moveLabel(next, label, version.versionId);
  if (leaving && !wanted.includes(PENDING)) next = removeLabel(next, PENDING, leaving.versionId);
  return next;
}

/**
 * Keep at most `limit` versions by dropping the oldest unlabeled ones created at or before
 * `droppableUntil` (epoch ms). Labeled versions are never dropped; when too few versions may go,
 * `kept` stays longer than `limit` and the caller decides what that means.
 */
export function pruneVersions(
  versions: VersionMeta[],
  limit: number,
  droppableUntil = Number.POSITIVE_INFINITY,
): { kept: VersionMeta[]; dropped: string[] } {
  const excess = versions.length - limit;
  if (excess <= 0) return { kept: versions, dropped: [] };
  const dropped = versions
    .filter((v) => v.stages.length === 0 && v.createdDate <= droppableUntil)
    .sort((a, b) => a.createdDate - b.createdDate)
    .slice(0, excess)
    .map((v) => v.versionId);
  return { kept: versions.filter((v) => !dropped.includes(v.versionId)), dropped };
}
