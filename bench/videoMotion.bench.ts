import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractVideoMotion } from '../host/motion/videoMotion.js';
import { renderFigureVideo, type VideoSpec } from '../tests/video/renderFigureVideo.js';

/**
 * Motion from video (issue 11): how fast a 720p video is analysed on this machine's CPU (ffmpeg
 * decode + MoveNet per person crop + tracking + cleaning + lifting), in frames per second and
 * seconds of work per second of video, for one person and for two crossing; and the pose
 * worker's peak memory for a video and one twice as long (flat: it keeps joints, not frames).
 * The videos are rendered in code (three.js figures in Chromium, tests/video/). Prints figures
 * with the load average; asserts nothing. Goal (issue 11): >= 10 fps at 720p for one person.
 */

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((x) => round(x));
const deg = Math.PI / 180;

function spec(seconds: number, people: 1 | 2): VideoSpec {
  return {
    widthPx: 1280,
    heightPx: 720,
    fps: 24,
    durationSec: seconds,
    figures:
      people === 1
        ? [{ motion: 'walk', heightM: 1.75, from: [-1.2, 0], to: [1.2, 0.3], yawRad: 40 * deg }]
        : [
            { motion: 'walk', heightM: 1.75, from: [-1.8, 0.5], to: [1.8, 0.5], yawRad: 35 * deg },
            {
              motion: 'walk',
              heightM: 1.65,
              from: [1.8, -0.6],
              to: [-1.8, -0.6],
              yawRad: -35 * deg,
              phaseSec: 0.3,
            },
          ],
  };
}

/** Resident memory of a process in MiB (Linux /proc), or null. */
function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function measure(file: string, videoSec: number) {
  let workerPid: number | undefined;
  let peakWorker = 0;
  const sampler = setInterval(() => {
    const r = workerPid ? rssMiB(workerPid) : null;
    if (r !== null) peakWorker = Math.max(peakWorker, r);
  }, 100);
  const loadBefore = load();
  const started = performance.now();
  try {
    const result = await extractVideoMotion(file, {
      fps: 24,
      onWorkerStarted: (pid) => {
        workerPid = pid;
      },
    });
    const wallSec = (performance.now() - started) / 1000;
    return {
      frames: result.frameCount,
      videoSec,
      people: result.people.length,
      wallSec: round(wallSec),
      framesPerSec: round(result.frameCount / wallSec, 1),
      secondsPerVideoSecond: round(wallSec / videoSec),
      workerPeakRssMiB: round(peakWorker, 0),
      hostRssMiB: round(process.memoryUsage().rss / 2 ** 20, 0),
      loadAverageBefore: loadBefore,
      loadAverageAfter: load(),
    };
  } finally {
    clearInterval(sampler);
  }
}

export async function runVideoMotionBench(opts: { quick: boolean }) {
  const dir = await mkdtemp(join(tmpdir(), 'keypose-video-bench-'));
  try {
    const short = opts.quick ? 2 : 5;
    const cases: { name: string; seconds: number; people: 1 | 2 }[] = [
      { name: 'onePerson720p', seconds: short, people: 1 },
      { name: 'onePerson720pTwiceAsLong', seconds: short * 2, people: 1 },
      { name: 'twoPeopleCrossing720p', seconds: short, people: 2 },
    ];
    const out: Record<string, unknown> = {};
    for (const c of cases) {
      const file = join(dir, `${c.name}.mp4`);
      await renderFigureVideo(spec(c.seconds, c.people), file);
      out[c.name] = await measure(file, c.seconds);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
