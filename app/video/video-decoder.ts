/**
 * What a video decoder does for the indexer, whichever runs it: ffmpeg found on the machine
 * (ffmpeg-decoder.ts, the portable reference) or AVFoundation on macOS (avfoundation-decoder.ts). Both
 * read the file by its path in child processes or native threads, never on the JS thread, and hand back
 * small frames as displayed (rotation applied) at the times the sampler asks for.
 */

/** What the container says about the clip, before any frame is decoded. */
export interface VideoInfo {
  /** Seconds, as the container says (a player shows this length). */
  durationSeconds: number;
  /** Stored frame size, before rotation. */
  width: number;
  height: number;
  /** Degrees the player turns the picture clockwise to show it (0, 90, 180, 270). */
  rotation: 0 | 90 | 180 | 270;
  codec: string;
  /** When it was filmed (ISO 8601), from the container's creation date; undefined when it does not say. */
  takenAt?: string;
  gps?: { lat: number; lon: number };
  make?: string;
  model?: string;
  /** Times (s) of the key frames, ascending, when the decoder lists them cheaply; they decode alone. */
  keyFrames?: number[];
}

/** One decoded frame: 8-bit RGB, three interleaved channels, as displayed. */
export interface VideoFrame {
  timeSeconds: number;
  width: number;
  height: number;
  data: Buffer;
}

/** How to pick candidate frames: only the key frames (cheap), or a steady rate over every frame. */
export type FrameSelection = { kind: 'key-frames' } | { kind: 'rate'; perSecond: number };

export interface FrameRequest {
  selection: FrameSelection;
  /** The frames' shorter displayed edge, in pixels (the longer follows the aspect ratio). */
  shortEdge: number;
  signal?: AbortSignal;
}

export interface VideoDecoder {
  /** 'ffmpeg 5.1.9', 'AVFoundation': recorded with each video. */
  readonly name: string;
  /** Whether it reads this container at all (by extension); a file it does not is skipped, naming it. */
  reads(path: string): boolean;
  probe(path: string): Promise<VideoInfo>;
  /** The candidate frames in time order; throws a DECODE_FAILED naming the file when none decodes. */
  frames(path: string, info: VideoInfo, request: FrameRequest): AsyncIterable<VideoFrame>;
}

/** The displayed size of a frame whose shorter edge is `shortEdge` (even numbers, as encoders like). */
export function displayedSize(info: Pick<VideoInfo, 'width' | 'height' | 'rotation'>, shortEdge: number) {
  const turned = info.rotation === 90 || info.rotation === 270;
  const w = turned ? info.height : info.width;
  const h = turned ? info.width : info.height;
  const scale = shortEdge / Math.min(w, h);
  const even = (value: number) => Math.max(2, 2 * Math.round((value * scale) / 2));
  return { width: even(w), height: even(h) };
}
