/**
 * The model record every architecture twin writes around its graph (producer, its generator version,
 * opset), and a tower: that model with the path it is written to and its parameter count. One
 * definition for the CLIP, MobileCLIP2 and SigLIP 2 twins, whose bytes are pinned in models/manifest.json.
 */
import type { GraphSpec, OnnxModelSpec } from './onnx-writer.ts';

/** Who wrote a twin: `producerName`, the generator version (bumped when the bytes change) and the opset. */
export interface TwinProducer {
  name: string;
  version: number;
  opset: number;
}

export interface TwinTower {
  path: string;
  model: OnnxModelSpec;
  parameters: number;
}

export function twinModel(graph: GraphSpec, producer: TwinProducer): OnnxModelSpec {
  return {
    graph,
    producerName: producer.name,
    producerVersion: String(producer.version),
    opsetVersion: producer.opset,
  };
}

export function twinTower(
  path: string,
  built: { graph: GraphSpec; parameters: number },
  producer: TwinProducer,
): TwinTower {
  return { path, parameters: built.parameters, model: twinModel(built.graph, producer) };
}
