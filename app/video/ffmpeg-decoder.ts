/**
 * The portable video decoder: `ffmpeg` and `ffprobe` as the machine has them (Debian's in the tests),
 * never a build shipped with Eidos (ffmpeg's GPL parts would bind the app). Each file is read by child
 * processes, so decoding runs off the event loop and a crash in a codec ends only that child; the frames
 * come back on a pipe as small RGB pictures, already turned as the player shows them.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import {
  displayedSize,
  type FrameRequest,
  type VideoDecoder,
  type VideoFrame,
  type VideoInfo,
} from './video-decoder.ts';
import { isVideoFile } from './video-formats.ts';

/** Where a Mac keeps Homebrew's and MacPorts' tools: a GUI app's PATH does not include them. */
const EXTRA_DIRS = ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

/**
 * ffmpeg and ffprobe from one folder of PATH (then the usual Mac folders), or undefined. A program another
 * user could replace is untrusted input: one that is group- or world-writable, or owned by someone other
 * than root or this user, is passed over.
 */
export function findFfmpeg(path = process.env.PATH ?? ''): FfmpegTools | undefined {
  const suffix = process.platform === 'win32' ? '.exe' : '';
  const dirs = [...path.split(delimiter).filter((dir) => dir !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const ffmpeg = join(dir, `ffmpeg${suffix}`);
    const ffprobe = join(dir, `ffprobe${suffix}`);
    if (trustedProgram(ffmpeg) && trustedProgram(ffprobe)) return { ffmpeg, ffprobe };
  }
  return undefined;
}

function trustedProgram(file: string): boolean {
  try {
    const info = statSync(file);
    if (!info.isFile() || (info.mode & 0o111) === 0) return false;
    if (process.platform === 'win32') return true;
    const uid = process.getuid?.() ?? 0;
    return (info.mode & 0o022) === 0 && (info.uid === 0 || info.uid === uid);
  } catch {
    return false;
  }
}

/** Bytes of stderr kept for the reason a file failed (the first lines say why). */
const MAX_LOG = 64 * 1024;

async function run(
  program: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < MAX_LOG) err += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: err }),
    );
  });
}

interface ProbeJson {
  streams?: {
    index: number;
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    duration?: string;
    tags?: Record<string, string>;
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { duration?: string; tags?: Record<string, string> };
  packets?: ProbePacket[];
}

interface ProbePacket {
  stream_index?: number;
  pts_time?: string;
  flags?: string;
}

/** The stream the moments come from: the first with a picture size (ffmpeg's `0:v:0` when it has one). */
function pictureStream(json: ProbeJson) {
  return json.streams?.find((stream) => stream.codec_type === 'video' && (stream.width ?? 0) > 0);
}

/** Whether a probe without find_stream_info said all that is needed: a picture's size and the duration. */
function complete(json: ProbeJson): boolean {
  return pictureStream(json) !== undefined && json.format?.duration !== undefined;
}

/** Key-frame times (s) of one stream, ascending, from ffprobe's packet listing (`flags` `K_` marks one). */
function keyFrameTimes(packets: readonly ProbePacket[], stream: number): number[] {
  const times = packets
    .filter((packet) => packet.stream_index === stream && packet.flags?.startsWith('K'))
    .map((packet) => Number(packet.pts_time))
    .filter((time) => Number.isFinite(time));
  return [...new Set(times)].sort((a, b) => a - b);
}

/** The first line of ffmpeg's complaint, without its `[demuxer @ 0x…]` prefix, for a reason a user reads. */
export function firstComplaint(stderr: string): string | undefined {
  const line = stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text !== '' && !/\[(info|verbose|debug|warning)\]/.test(text));
  return line
    ?.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '')
    .replace(/^\[(error|fatal)\]\s*/, '')
    .slice(0, 300);
}

/** Degrees clockwise a player turns the picture: ffprobe's display-matrix rotation −90 is a 90° turn clockwise. */
function rotationOf(stream: NonNullable<ProbeJson['streams']>[number]): VideoInfo['rotation'] {
  const matrix = stream.side_data_list?.find((side) => typeof side.rotation === 'number')?.rotation;
  // HTC phones name the track instead (`htc_video_rotA-090`); ExoPlayer reads it, ffprobe does not.
  const htc = /^htc_video_rotA-(\d{3})$/.exec(stream.tags?.title ?? '');
  const degrees = matrix !== undefined ? -matrix : htc ? Number(htc[1]) : Number(stream.tags?.rotate ?? 0);
  const turned = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return turned as VideoInfo['rotation'];
}

/** `+32.0929+034.8620+028.516/` (ISO 6709, as phones write it) → latitude and longitude. */
export function parseIso6709(text: string | undefined): { lat: number; lon: number } | undefined {
  const match = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)/.exec(text ?? '');
  if (!match) return undefined;
  const lat = Number(match[1]);
  const lon = Number(match[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return undefined;
  return { lat, lon };
}

/** An Apple creation date keeps its offset (`2019-07-24T11:25:40+0300`); others are UTC. */
function takenAtOf(tags: Record<string, string>): string | undefined {
  const text = tags['com.apple.quicktime.creationdate'] ?? tags.creation_time;
  if (!text) return undefined;
  const time = Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  // 1904-01-01 (QuickTime's zero) and 1970-01-01 mean "not set".
  return Number.isFinite(time) && time > Date.UTC(1971, 0, 1) ? new Date(time).toISOString() : undefined;
}

/**
 * Input options that decode the key frames alone, cheaply. `-discard nokey` has the demuxer pass over the
 * other packets (MP4 and MOV skip them by their index, unread), `-skip_frame nokey` has the decoder drop any
 * that still arrive (Matroska), and `-skip_loop_filter all` leaves out the deblocking pass: each key frame
 * is decoded alone and shrunk about five times, so no later frame inherits the difference and the
 * shrinking hides it. Measured on a 1080p minute at 16 Mbit/s (68 key frames, 2 loaded cores): 3.6 s CPU
 * with `-skip_frame` alone, 3.2 s with all three.
 */
const KEY_FRAMES_ONLY = ['-discard', 'nokey', '-skip_frame', 'nokey', '-skip_loop_filter', 'all'];

export class FfmpegDecoder implements VideoDecoder {
  readonly name: string;
  private readonly tools: FfmpegTools;

  constructor(tools: FfmpegTools, version = 'ffmpeg') {
    this.tools = tools;
    this.name = version;
  }

  reads(path: string): boolean {
    return isVideoFile(path);
  }

  /**
   * What the container says and where the key frames are, in one ffprobe run: each ffprobe start costs
   * about as much as decoding three 1080p key frames (its libraries load and it reads the start of the
   * streams), so the key-frame listing rides along instead of a second run. The listing reads the packet
   * index only (demuxing, nothing decoded).
   */
  async probe(path: string): Promise<VideoInfo> {
    // An MP4 or QuickTime header (what phones and most cameras write) says everything asked here, so the
    // first run skips ffprobe's find_stream_info, which reads and decodes the start of every stream (about
    // 0.13 s of CPU on a 1080p clip). Where the header leaves the picture's size or the duration unsaid
    // (MPEG-TS, AVI, some 3GP) or the run fails, ffprobe runs again with it, as a player would.
    const quick = await this.ffprobe(path, false);
    const { code, stderr, json } = quick.json && complete(quick.json) ? quick : await this.ffprobe(path, true);
    const complaint = firstComplaint(stderr);
    if (code !== 0 || !json)
      throw new EidosError(
        'DECODE_FAILED',
        `${path}: not a readable video (ffprobe: ${complaint ?? `exit ${code}`}).`,
        {
          file: path,
        },
      );
    const video = pictureStream(json);
    if (!video) {
      const kinds = await this.streamKinds(path);
      throw new EidosError(
        'UNSUPPORTED_FORMAT',
        `${path}: has no picture to index (${kinds.length > 0 ? `only ${kinds.join(', ')}` : 'no streams'}).`,
        { file: path },
      );
    }
    const tags = json.format?.tags ?? {};
    // The container's duration, as a player shows it (a stream's own can be a few frames shorter).
    const durationSeconds = Number(json.format?.duration ?? video.duration ?? NaN);
    const info: VideoInfo = {
      durationSeconds: Number.isFinite(durationSeconds) ? durationSeconds : 0,
      width: video.width!,
      height: video.height!,
      rotation: rotationOf(video),
      codec: video.codec_name ?? 'unknown',
    };
    const takenAt = takenAtOf(tags);
    if (takenAt) info.takenAt = takenAt;
    const gps = parseIso6709(tags['com.apple.quicktime.location.ISO6709'] ?? tags.location);
    if (gps) info.gps = gps;
    const make = tags['com.apple.quicktime.make'] ?? tags.make;
    const model = tags['com.apple.quicktime.model'] ?? tags.model;
    if (make) info.make = make;
    if (model) info.model = model;
    info.keyFrames = keyFrameTimes(json.packets ?? [], video.index);
    return info;
  }

  private async ffprobe(
    path: string,
    findStreamInfo: boolean,
  ): Promise<{ code: number; stderr: string; json?: ProbeJson }> {
    const { code, stdout, stderr } = await run(this.tools.ffprobe, [
      '-v',
      'error',
      ...(findStreamInfo ? [] : ['-nofind_stream_info']),
      '-select_streams',
      'v',
      '-show_entries',
      'format=duration:format_tags:stream=index,codec_type,codec_name,width,height,duration:stream_tags:stream_side_data=rotation:packet=stream_index,pts_time,flags',
      '-of',
      'json=compact=1',
      '--',
      path,
    ]);
    return code === 0 ? { code, stderr, json: JSON.parse(stdout) as ProbeJson } : { code, stderr };
  }

  /** The kinds of stream a file holds (`audio`, `data`), for the reason a file without a picture is skipped. */
  private async streamKinds(path: string): Promise<string[]> {
    const { stdout } = await run(this.tools.ffprobe, [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type',
      '-of',
      'json=compact=1',
      '--',
      path,
    ]);
    const json = JSON.parse(stdout || '{}') as ProbeJson;
    return [...new Set((json.streams ?? []).map((stream) => stream.codec_type ?? 'unknown'))];
  }

  async *frames(path: string, info: VideoInfo, request: FrameRequest): AsyncIterable<VideoFrame> {
    const { width, height } = displayedSize(info, request.shortEdge);
    const turn = { 0: [], 90: ['transpose=clock'], 180: ['hflip', 'vflip'], 270: ['transpose=cclock'] }[info.rotation];
    const rate = request.selection.kind === 'rate' ? [`fps=${request.selection.perSecond}`] : [];
    const filters = [...rate, ...turn, `scale=${width}:${height}:flags=area`, 'showinfo'].join(',');
    const args = [
      '-nostdin',
      '-hide_banner',
      '-nostats',
      '-loglevel',
      'level+info',
      ...(request.selection.kind === 'key-frames' ? KEY_FRAMES_ONLY : []),
      // Rotation is applied by the filters above from the probe's reading (one place decides it).
      '-noautorotate',
      '-i',
      path,
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      ...(request.selection.kind === 'key-frames' ? ['-fps_mode', 'passthrough'] : []),
      '-vf',
      filters,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ];
    const child = spawn(this.tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: request.signal });
    const frameBytes = width * height * 3;
    const times: number[] = [];
    const frames: Buffer[] = [];
    let errors = '';
    let pendingLine = '';
    let done = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (pendingLine + chunk.toString('utf8')).split('\n');
      pendingLine = lines.pop() ?? '';
      for (const line of lines) {
        const time = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+)/.exec(line);
        if (time) times.push(Number(time[1]));
        else if (/\[(error|fatal)\]/.test(line) && errors.length < MAX_LOG) errors += `${line}\n`;
      }
      notify();
    });
    let partial: Buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      partial = partial.length === 0 ? chunk : Buffer.concat([partial, chunk]);
      while (partial.length >= frameBytes) {
        frames.push(Buffer.from(partial.subarray(0, frameBytes)));
        partial = partial.subarray(frameBytes);
      }
      // Back-pressure: the child waits while the indexer works through what it has sent.
      if (frames.length > 4) child.stdout.pause();
      notify();
    });
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        done = true;
        notify();
        resolve(code ?? -1);
      });
    });
    exited.catch(() => undefined);
    let yielded = 0;
    try {
      for (;;) {
        if (frames.length > 0 && times.length > yielded) {
          const data = frames.shift()!;
          const timeSeconds = Math.max(0, times[yielded]!);
          yielded++;
          if (frames.length <= 4) child.stdout.resume();
          yield { timeSeconds, width, height, data };
          continue;
        }
        if (done) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (done || (frames.length > 0 && times.length > yielded)) notify();
        });
      }
      const code = await exited;
      const complaint = firstComplaint(errors);
      // The container promised more than the file holds: the end of the clip is missing.
      if (/partial file/.test(errors))
        throw new EidosError(
          'DECODE_FAILED',
          `${path}: the file is truncated (ffmpeg: ${complaint}); its video ends before the container says.`,
          { file: path },
        );
      if (code !== 0 || yielded === 0)
        throw new EidosError(
          'DECODE_FAILED',
          `${path}: no frame of its ${info.codec} video decodes (${complaint ?? `ffmpeg exit ${code}`}); the file may be damaged or truncated.`,
          { file: path },
        );
    } finally {
      if (!done) child.kill('SIGKILL');
    }
  }
}

/** `ffmpeg version 5.1.9-0+deb12u1 …` → `ffmpeg 5.1.9-0+deb12u1`. */
export async function ffmpegVersion(tools: FfmpegTools): Promise<string> {
  const { stdout } = await run(tools.ffmpeg, ['-hide_banner', '-version']);
  const version = /ffmpeg version (\S+)/.exec(stdout)?.[1];
  return version ? `ffmpeg ${version}` : 'ffmpeg';
}
