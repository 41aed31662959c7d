/**
 * The motion library: motions this project makes in code (scripts/make-motions.ts writes them to
 * assets/motions/ as BVH files, captured on a humanoid and on a dog skeleton of their own, like any
 * mocap). The editor's library panel and `keypose render --motion <id>` list them from here.
 */
export interface LibraryMotion {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** File name in assets/motions/. */
  readonly file: string;
  /** The last frame leads into the first (apply it with Loop on). */
  readonly loops: boolean;
  /** The hips travel (a walk); "In place" removes it. */
  readonly travels: boolean;
  readonly body: 'two legs' | 'four legs';
}

export const MOTION_LIBRARY: readonly LibraryMotion[] = [
  {
    id: 'walk',
    label: 'Walk',
    description: 'A walk cycle, two steps in 1 s',
    file: 'walk.bvh',
    loops: true,
    travels: true,
    body: 'two legs',
  },
  {
    id: 'run',
    label: 'Run',
    description: 'A jogging run cycle with flight, 0.7 s',
    file: 'run.bvh',
    loops: true,
    travels: true,
    body: 'two legs',
  },
  {
    id: 'jump',
    label: 'Jump',
    description: 'Crouch, jump straight up, land, 2 s',
    file: 'jump.bvh',
    loops: false,
    travels: false,
    body: 'two legs',
  },
  {
    id: 'wave',
    label: 'Wave',
    description: 'Waving the right hand, 2 s',
    file: 'wave.bvh',
    loops: true,
    travels: false,
    body: 'two legs',
  },
  {
    id: 'idle',
    label: 'Idle',
    description: 'Standing, breathing, shifting weight, 3 s',
    file: 'idle.bvh',
    loops: true,
    travels: false,
    body: 'two legs',
  },
  {
    id: 'dance',
    label: 'Dance',
    description: 'Bouncy dance at 120 bpm, 2 s',
    file: 'dance.bvh',
    loops: true,
    travels: false,
    body: 'two legs',
  },
  {
    id: 'sit',
    label: 'Sit',
    description: 'Sitting down on a chair, 2.5 s',
    file: 'sit.bvh',
    loops: false,
    travels: false,
    body: 'two legs',
  },
  {
    id: 'four-legged-walk',
    label: 'Four-legged walk',
    description: 'A dog walk cycle, 0.8 s',
    file: 'four-legged-walk.bvh',
    loops: true,
    travels: true,
    body: 'four legs',
  },
];

export function libraryMotion(id: string): LibraryMotion | undefined {
  return MOTION_LIBRARY.find((m) => m.id === id || m.file === id);
}
