/**
 * macOS: AVFoundation reads the video through the native addon (native/src/video_frames.mm:
 * AVURLAsset for the facts, AVAssetImageGenerator for the frames, on its own threads, with the
 * preferred transform applied), behind the same VideoDecoder contract as ffmpeg (the tested reference).
 * The addon is loaded only by app/kernels/index.ts; elsewhere this returns undefined.
 */
import { extname } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { nativeVideoFrames } from '../kernels/index.ts';
import {
  displayedSize,
  type FrameRequest,
  type VideoDecoder,
  type VideoFrame,
  type VideoInfo,
} from './video-decoder.ts';

/** Containers AVFoundation opens (AVURLAsset's audiovisual types); .webm, .mkv, .avi and .mts go to ffmpeg. */
const AV_EXTENSIONS = new Set(['.mov', '.mp4', '.m4v', '.3gp']);

export function avFoundationDecoder(): VideoDecoder | undefined {
  const native = nativeVideoFrames();
  if (!native) return undefined;
  return {
    name: 'AVFoundation',
    reads: (path) => AV_EXTENSIONS.has(extname(path).toLowerCase()),
    async probe(path): Promise<VideoInfo> {
      const facts = await native.probe(path);
      if (!facts.hasVideo)
        throw new EidosError('UNSUPPORTED_FORMAT', `${path}: has no picture to index (no video track).`, {
          file: path,
        });
      const info: VideoInfo = {
        durationSeconds: facts.durationSeconds,
        width: facts.width,
        height: facts.height,
        rotation: facts.rotation,
        codec: facts.codec,
      };
      if (facts.takenAt) info.takenAt = facts.takenAt;
      return info;
    },
    async *frames(path: string, info: VideoInfo, request: FrameRequest): AsyncIterable<VideoFrame> {
      const { width, height } = displayedSize(info, request.shortEdge);
      // AVFoundation lists no key frames cheaply: a steady rate, with zero tolerance so times are exact.
      const perSecond = request.selection.kind === 'rate' ? request.selection.perSecond : 2;
      const step = 1 / perSecond;
      for (let t = 0; t < Math.max(info.durationSeconds, step / 2); t += step) {
        request.signal?.throwIfAborted();
        const frame = await native.frameAt(path, t, width, height);
        if (frame) yield { timeSeconds: frame.timeSeconds, width, height, data: frame.rgb };
      }
    },
  };
}
