/**
 * Reads what onnxruntime says at session creation about where a graph's nodes went, from its log lines
 * (`2026-01-05 11:44:41.414 [V:onnxruntime:<logid>, file.cc:123 Function] message`). The lines and their
 * words are onnxruntime's (1.30):
 *   - core/providers/coreml/coreml_execution_provider.cc, GetCapability, INFO (WARNING when split):
 *     "CoreMLExecutionProvider::GetCapability, number of partitions supported by CoreML: K number of nodes
 *     in the graph: M number of nodes supported by CoreML: N"
 *   - core/providers/coreml/builders/helper.cc, VERBOSE: "Operator type: [Op] index: [i] name: [n]
 *     supported: [0|1]", and "CoreML EP is set to only allow static input shapes. Input has a dynamic shape.
 *     Input: x, shape: {-1,3,224,224}"
 *   - core/framework/session_state.cc, VERBOSE: " All nodes placed on [CPUExecutionProvider]. Number of
 *     nodes: 13" or, per provider, " Node(s) placed on [X]. Number of nodes: n"
 * test/unit/encoders/ort-log.test.ts checks the parser on such lines and on a real log of this machine.
 */

export interface CoreMlCapability {
  /** Partitions Core ML takes (each a compiled Core ML model; CPU work runs between them). */
  partitions: number;
  /** Nodes in the graph Core ML was offered (after onnxruntime's basic optimisations). */
  graphNodes: number;
  /** Nodes Core ML takes. */
  supportedNodes: number;
}

export interface SessionPlacement {
  /** The last Core ML capability summary, when Core ML was asked. */
  coreMl?: CoreMlCapability;
  /** Nodes per execution provider after partitioning (a Core ML partition counts as one fused node). */
  placements: Record<string, number>;
  /** Op types Core ML declined, with node counts. */
  declinedOps: Record<string, number>;
  /** Inputs Core ML refused because their shape is not static ("name {-1,3,224,224}"). */
  dynamicInputs: string[];
}

const LINE = /^\S+ \S+ \[([VIWEF]):onnxruntime:[^,\]]*, [^\]]*\] ?(.*)$/;
const CAPABILITY =
  /CoreMLExecutionProvider::GetCapability, number of partitions supported by CoreML: (\d+) number of nodes in the graph: (\d+) number of nodes supported by CoreML: (\d+)/;
const OPERATOR = /^Operator type: \[([^\]]*)\] index: \[(\d+)\] name: \[[^\]]*\] supported: \[(\d)\]/;
const DYNAMIC_INPUT = /only allow static input shapes\. Input has a dynamic shape\. Input: (.*), shape: (\{[^}]*\})/;
const PLACED = /^\s*(?:All nodes|Node\(s\)) placed on \[([^\]]+)\]\. Number of nodes: (\d+)/;

/** Parses onnxruntime's log of one session's creation (other lines are ignored). */
export function parseOrtLog(log: string): SessionPlacement {
  const result: SessionPlacement = { placements: {}, declinedOps: {}, dynamicInputs: [] };
  // GetCapability may run more than once (one pass per graph transformation round): the last one stands,
  // and the per-node verdicts that belong to it are the ones after the previous summary.
  let pendingDeclined: Record<string, number> = {};
  for (const raw of log.split('\n')) {
    const line = LINE.exec(raw.trimEnd());
    if (!line) continue;
    const message = line[2] as string;
    const capability = CAPABILITY.exec(message);
    if (capability) {
      result.coreMl = {
        partitions: Number(capability[1]),
        graphNodes: Number(capability[2]),
        supportedNodes: Number(capability[3]),
      };
      result.declinedOps = pendingDeclined;
      pendingDeclined = {};
      continue;
    }
    const operator = OPERATOR.exec(message);
    if (operator) {
      if (operator[3] === '0')
        pendingDeclined[operator[1] as string] = (pendingDeclined[operator[1] as string] ?? 0) + 1;
      continue;
    }
    const dynamic = DYNAMIC_INPUT.exec(message);
    if (dynamic) {
      const entry = `${dynamic[1]} ${dynamic[2]}`;
      if (!result.dynamicInputs.includes(entry)) result.dynamicInputs.push(entry);
      continue;
    }
    const placed = PLACED.exec(message);
    if (placed) result.placements[placed[1] as string] = Number(placed[2]);
  }
  return result;
}

/** What a user reads: "Core ML took N of M nodes in K partitions", and when not all, why. */
export function describePlacement(placement: SessionPlacement, provider: 'cpu' | 'coreml'): string {
  const c = placement.coreMl;
  const cpuNodes = placement.placements.CPUExecutionProvider;
  if (!c) {
    if (provider === 'coreml') return 'Core ML reported no capability: the session runs on the CPU';
    return cpuNodes === undefined ? 'CPU' : `the CPU runs all ${cpuNodes} nodes`;
  }
  const plural = c.partitions === 1 ? 'partition' : 'partitions';
  const head = `Core ML took ${c.supportedNodes} of ${c.graphNodes} nodes in ${c.partitions} ${plural}`;
  if (c.supportedNodes === c.graphNodes && c.partitions === 1) return `${head} (the whole graph)`;
  const why: string[] = [];
  if (placement.dynamicInputs.length > 0)
    why.push(`inputs with a dynamic shape, which Core ML is set to refuse: ${placement.dynamicInputs.join(', ')}`);
  const declined = Object.entries(placement.declinedOps)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ×${n}`);
  if (declined.length > 0) why.push(`the nodes it declined, by op: ${declined.join(', ')}`);
  const rest = c.graphNodes - c.supportedNodes;
  return `${head}; ${rest} run on the CPU${why.length > 0 ? ` (${why.join('; ')})` : ''}`;
}
