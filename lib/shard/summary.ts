/**
 * One summary from the summaries of a capture's shards, as one decoder
 * would have written it.
 * @module
 */
import type { LimitHit, SummaryEvent } from "../events.ts";

/**
 * Caps on a store shared by the whole decode: in a sharded decode each shard
 * has its own, so hitting one may change what is decoded (the summary says
 * so in `sharded`). The other caps are per connection, per message, or
 * applied by shard 0 or the merger to the whole capture, and act alike.
 */
export const PER_SHARD_LIMITS: ReadonlySet<string> = new Set([
  "maxConnections",
  "maxLingering",
  "maxTotalOutOfOrderBytes",
  "maxTotalSmbMessageBytes",
  "maxTotalPendingRequests",
  "maxSmbSessions",
  "maxTotalSmbStateEntries",
  "maxTrackedFiles",
  "maxTotalFileBufferBytes",
  "maxHashingFiles",
  "maxFileFingerprints",
  "maxTotalDecompressedBytes",
  "maxDecompressionRatio",
  "maxTotalRpcStubBytes",
  "maxTotalRpcCalls",
  "maxRpcAssociations",
  "maxRpcEndpoints",
  "transcript_maxGroups",
  "transcript_maxTotalBytes",
]);

/** What the merger saw of the merged stream, for the summary. */
export interface MergedFacts {
  /** Anomaly keys (`layer.kind`) in the order the merged stream first showed them. */
  anomalyOrder: readonly string[];
  /** Limit names in the order their first hit was shown. */
  limitOrder: readonly string[];
  /** The merger's own anomalies (detection rules): total, by key, limits hit. */
  ownTotal: number;
  ownCounts: ReadonlyMap<string, number>;
  ownLimits: ReadonlyMap<string, number>;
  /** The summary's SMB, RPC and alert totals, tallied from the merged events. */
  smb: SummaryEvent["smb"];
  rpc: SummaryEvent["rpc"];
  alerts: SummaryEvent["alerts"];
  /** Per-shard caps that one decoder would have reached though no shard did (seen by the merger). */
  wouldHit: readonly string[];
}

/**
 * Merge the shards' summaries (index order). Capture-level fields come from
 * shard 0 (every shard reads every frame, shard 0 alone reports them);
 * counters are summed; anomaly keys and limits are listed in the order the
 * merged stream met them first (then any never shown, in shard order).
 */
export function mergeSummaries(
  summaries: readonly SummaryEvent[],
  facts: MergedFacts,
): SummaryEvent {
  const first = summaries[0]!;
  const counts = new Map<string, number>();
  const limits = new Map<string, number>();
  for (const key of facts.anomalyOrder) counts.set(key, 0);
  for (const name of facts.limitOrder) limits.set(name, 0);
  let anomalies = facts.ownTotal, tcp = 0, udp = 0, truncated = false;
  const add = (map: Map<string, number>, key: string, n: number) =>
    map.set(key, (map.get(key) ?? 0) + n);
  for (const s of summaries) {
    anomalies += s.anomalies;
    tcp += s.tcpConnections;
    udp += s.udpConversations;
    truncated ||= s.truncated;
    for (const [key, n] of Object.entries(s.anomalyCounts)) add(counts, key, n);
    for (const { limit, count } of s.limitsHit) add(limits, limit, count);
  }
  for (const [key, n] of facts.ownCounts) add(counts, key, n);
  for (const [name, n] of facts.ownLimits) add(limits, name, n);
  const limitsHit: LimitHit[] = [];
  for (const [limit, count] of limits) if (count > 0) limitsHit.push({ limit, count });
  const anomalyCounts: Record<string, number> = {};
  for (const [key, n] of counts) if (n > 0) anomalyCounts[key] = n;
  // Shard 0's object gives the key order; the fields that differ are replaced in place.
  const merged: SummaryEvent = {
    ...first,
    tcpConnections: tcp,
    udpConversations: udp,
    anomalies,
    anomalyCounts,
    limitsHit,
    smb: facts.smb,
    rpc: facts.rpc,
    alerts: facts.alerts,
    truncated,
  };
  delete (merged as { shardKey?: unknown }).shardKey;
  const perShard = limitsHit.filter((l) => PER_SHARD_LIMITS.has(l.limit)).map((l) => l.limit);
  for (const name of facts.wouldHit) if (!perShard.includes(name)) perShard.push(name);
  if (perShard.length > 0) merged.sharded = { shards: summaries.length, perShardLimits: perShard };
  return merged;
}
