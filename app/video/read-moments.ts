/**
 * One video → its moments: from its probe, choose the candidate frames (its key frames when they come at least
 * every 2.5 s, as phones and cameras write them, about one a second; otherwise two a second decoded from
 * every frame), and hand each frame the sampler keeps to `onMoment` as it arrives.
 */
import { EidosError } from '../contract/errors.ts';
import { MomentSampler, colourLayout, ruleFor } from './moment-sampler.ts';
import type { FrameSelection, VideoDecoder, VideoFrame, VideoInfo } from './video-decoder.ts';

/** Key frames further apart than this leave scenes unseen: decode at a steady rate instead. */
const MAX_KEY_FRAME_GAP_S = 2.5;
const CANDIDATES_PER_SECOND = 2;

export function frameSelection(info: VideoInfo): FrameSelection {
  const keys = info.keyFrames ?? [];
  if (keys.length === 0) return { kind: 'rate', perSecond: CANDIDATES_PER_SECOND };
  const edges = [0, ...keys, Math.max(info.durationSeconds, keys.at(-1)!)];
  const widest = Math.max(...edges.slice(1).map((time, i) => time - edges[i]!));
  return widest <= MAX_KEY_FRAME_GAP_S ? { kind: 'key-frames' } : { kind: 'rate', perSecond: CANDIDATES_PER_SECOND };
}

export interface MomentsRead {
  info: VideoInfo;
  selection: FrameSelection;
  candidates: number;
  kept: number;
}

/** `info` is the decoder's probe of `path` (the caller runs it alongside hashing the file). */
export async function readMoments(
  decoder: VideoDecoder,
  path: string,
  info: VideoInfo,
  shortEdge: number,
  onMoment: (frame: VideoFrame & { timeMs: number }) => Promise<void>,
  signal?: AbortSignal,
): Promise<MomentsRead> {
  const selection = frameSelection(info);
  const sampler = new MomentSampler(ruleFor(info.durationSeconds));
  let candidates = 0;
  let lastMs = -1;
  for await (const frame of decoder.frames(path, info, { selection, shortEdge, signal })) {
    candidates++;
    const timeMs = Math.round(frame.timeSeconds * 1000);
    if (timeMs <= lastMs) continue; // a repeated timestamp (edit lists, VFR) is the same moment
    lastMs = timeMs;
    if (sampler.offer(timeMs, colourLayout(frame.data, frame.width, frame.height)).keep)
      await onMoment({ ...frame, timeMs });
  }
  if (sampler.kept === 0)
    throw new EidosError('DECODE_FAILED', `${path}: no frame of its video could be read.`, { file: path });
  return { info, selection, candidates, kept: sampler.kept };
}
