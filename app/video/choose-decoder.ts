/**
 * Which video decoder this machine has. On macOS, AVFoundation through the native addon reads what it
 * can (QuickTime, MPEG-4, 3GPP); ffmpeg, when the user has it, reads the rest and everything elsewhere.
 * With none, videos are skipped with NO_VIDEO_DECODER and a reason that says how to enable them.
 */
import { extname } from 'node:path';
import { avFoundationDecoder } from './avfoundation-decoder.ts';
import { FfmpegDecoder, ffmpegVersion, findFfmpeg } from './ffmpeg-decoder.ts';
import type { VideoDecoder } from './video-decoder.ts';

export const NO_VIDEO_DECODER = 'NO_VIDEO_DECODER';

/** How to enable videos, in the words the Library view and `eidos status` show. */
export const ENABLE_VIDEOS_HINT =
  process.platform === 'darwin'
    ? 'install ffmpeg (brew install ffmpeg) and index again'
    : 'install ffmpeg (e.g. sudo apt install ffmpeg, or your system’s package) and index again';

export interface VideoDecoders {
  /** The decoder for this file, or undefined with the reason (no decoder reads this container here). */
  forFile(path: string): { decoder: VideoDecoder } | { reason: string };
  names: string[];
}

export async function findVideoDecoders(): Promise<VideoDecoders> {
  const decoders: VideoDecoder[] = [];
  const native = avFoundationDecoder();
  if (native) decoders.push(native);
  const tools = findFfmpeg();
  if (tools) decoders.push(new FfmpegDecoder(tools, await ffmpegVersion(tools)));
  return decodersOf(decoders);
}

export function decodersOf(decoders: readonly VideoDecoder[]): VideoDecoders {
  return {
    names: decoders.map((decoder) => decoder.name),
    forFile(path) {
      const decoder = decoders.find((candidate) => candidate.reads(path));
      if (decoder) return { decoder };
      const kind = extname(path).toLowerCase() || 'this kind of file';
      return {
        reason:
          decoders.length === 0
            ? `${path}: this machine has no video decoder, so videos are not indexed: ${ENABLE_VIDEOS_HINT}.`
            : `${path}: ${decoders.map((d) => d.name).join(' and ')} cannot read ${kind} videos here: ${ENABLE_VIDEOS_HINT}.`,
      };
    },
  };
}
