/**
 * The parser of onnxruntime's session log: on lines written as onnxruntime 1.30's Core ML provider and
 * session state write them (the message texts are the ones in libonnxruntime's macOS binary), and on a
 * real verbose log of this machine's CPU provider, whose node count is checked against the graph itself.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePlacement, parseOrtLog } from '../../../app/encoders/ort-log.ts';
import { probePlacement } from '../../../app/encoders/placement-probe.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { generateSyntheticModel } from '../../../models/synthetic/generate-model.ts';

const at = '2026-12-05 11:44:41.410241232';
const coreMlWhole = [
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [Conv] index: [0] name: [/embeddings/patch_embedding/Conv] supported: [1]`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [MatMul] index: [1] name: [/proj/MatMul] supported: [1]`,
  `${at} [I:onnxruntime:eidos-probe, coreml_execution_provider.cc:104 GetCapability] CoreMLExecutionProvider::GetCapability, number of partitions supported by CoreML: 1 number of nodes in the graph: 2 number of nodes supported by CoreML: 2`,
  `${at} [V:onnxruntime:eidos-probe, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CoreMLExecutionProvider]. Number of nodes: 1`,
].join('\n');

const coreMlDynamic = [
  `${at} [V:onnxruntime:eidos-probe, helper.cc:62 IsInputSupported] CoreML EP is set to only allow static input shapes. Input has a dynamic shape. Input: pixel_values, shape: {-1,3,224,224}`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [Conv] index: [0] name: [conv] supported: [0]`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:62 IsInputSupported] CoreML EP is set to only allow static input shapes. Input has a dynamic shape. Input: pixel_values, shape: {-1,3,224,224}`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [Reshape] index: [1] name: [r1] supported: [0]`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [MatMul] index: [2] name: [m] supported: [1]`,
  `${at} [V:onnxruntime:eidos-probe, helper.cc:101 GetSupportedNodes] Operator type: [Reshape] index: [3] name: [r2] supported: [0]`,
  `${at} [W:onnxruntime:eidos-probe, coreml_execution_provider.cc:102 GetCapability] CoreMLExecutionProvider::GetCapability, number of partitions supported by CoreML: 0 number of nodes in the graph: 4 number of nodes supported by CoreML: 1`,
  `${at} [V:onnxruntime:eidos-probe, session_state.cc:1384 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 4`,
].join('\n');

describe('onnxruntime log parser', () => {
  it('reads a Core ML session that took the whole graph', () => {
    const placement = parseOrtLog(coreMlWhole);
    expect(placement.coreMl).toEqual({ partitions: 1, graphNodes: 2, supportedNodes: 2 });
    expect(placement.placements).toEqual({ CoreMLExecutionProvider: 1 });
    expect(placement.declinedOps).toEqual({});
    expect(describePlacement(placement, 'coreml')).toBe('Core ML took 2 of 2 nodes in 1 partition (the whole graph)');
  });

  it('says how much Core ML took and why not the rest', () => {
    const placement = parseOrtLog(coreMlDynamic);
    expect(placement.coreMl).toEqual({ partitions: 0, graphNodes: 4, supportedNodes: 1 });
    expect(placement.declinedOps).toEqual({ Conv: 1, Reshape: 2 });
    expect(placement.dynamicInputs).toEqual(['pixel_values {-1,3,224,224}']);
    const text = describePlacement(placement, 'coreml');
    expect(text).toMatch(/^Core ML took 1 of 4 nodes in 0 partitions; 3 run on the CPU/);
    expect(text).toContain('pixel_values {-1,3,224,224}');
    expect(text).toContain('Reshape ×2, Conv ×1');
  });

  it('keeps the last capability summary and the verdicts that belong to it', () => {
    const placement = parseOrtLog(`${coreMlDynamic}\n${coreMlWhole}`);
    expect(placement.coreMl).toEqual({ partitions: 1, graphNodes: 2, supportedNodes: 2 });
    expect(placement.declinedOps).toEqual({});
  });

  it('ignores lines that are not onnxruntime log lines', () => {
    const placement = parseOrtLog(
      `random text\nCoreMLExecutionProvider::GetCapability, number of partitions supported by CoreML: 9 number of nodes in the graph: 9 number of nodes supported by CoreML: 9`,
    );
    expect(placement.coreMl).toBeUndefined();
  });

  it('says when Core ML was asked but reported nothing', () => {
    expect(describePlacement(parseOrtLog(''), 'coreml')).toMatch(/no capability/);
  });
});

describe('the placement probe on this machine (CPU provider, a real verbose log)', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'eidos-ortlog-'));
    await generateSyntheticModel(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts the nodes onnxruntime placed on the CPU: the graph has at least as many (fusion only removes)', async () => {
    for (const file of ['onnx/vision_model.onnx', 'onnx/text_model.onnx']) {
      const path = join(root, file);
      const placement = await probePlacement({ path, provider: 'cpu', threads: 1 });
      const graphNodes = Object.values(inspectOnnx(path).opTypes).reduce((a, b) => a + b, 0);
      const cpu = placement.placements.CPUExecutionProvider as number;
      expect(cpu).toBeGreaterThan(0);
      expect(cpu).toBeLessThanOrEqual(graphNodes);
      expect(placement.coreMl).toBeUndefined();
      expect(describePlacement(placement, 'cpu')).toBe(`the CPU runs all ${cpu} nodes`);
    }
  }, 60_000);

  it('names the file when the session cannot be created', async () => {
    await expect(probePlacement({ path: join(root, 'missing.onnx'), provider: 'cpu', threads: 1 })).rejects.toThrow(
      /missing\.onnx/,
    );
  }, 60_000);
});
