/** Messages between the engine and the text worker (text-worker.ts), which owns the reader's sessions. */
import type { RecognisedLine } from '../contract/photo-text.ts';
import type { ReaderFiles, ReaderSettings } from './ppocr-reader.ts';

export interface TextWorkerInit {
  files: ReaderFiles;
  settings: ReaderSettings;
  threads: number;
  /** Shared by all the workers of one reader: whose turn it is to detect at full size (detection-turns.ts). */
  detectionTurn: SharedArrayBuffer;
  /** This worker's number among them, from 1. */
  worker: number;
  /** Where the native addon is (app/resources.ts): the worker hands freed memory back through it. */
  resourceRoot: string;
}

/** Pixels as plain RGB (HWC, 8-bit); their buffers are moved to the worker, not copied. */
export interface PixelsMessage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A photo to read: its pixels, and the gate's smaller copy when the reader has a gate. */
export interface ReadJob {
  kind: 'read';
  image: PixelsMessage;
  gate?: PixelsMessage;
  displayedWidth: number;
  displayedHeight: number;
}

/** The gate's look alone (text-gate.ts): whether the photo may hold text, from its pixels at the gate's size. */
export interface GateJob {
  kind: 'gate';
  gate: PixelsMessage;
}

export type TextWorkerJob = ReadJob | GateJob;

export type TextWorkerRequest = TextWorkerJob & { id: number };

export type TextWorkerReply =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { id: number; kind: 'result'; lines: RecognisedLine[]; detected: number }
  | { id: number; kind: 'gate'; mayHoldText: boolean }
  | { id: number; kind: 'error'; message: string };
