import type { ReactElement } from 'react';

/** Small stroke icons (16 px) drawn inline, so the UI needs no icon font or external files. */
const paths = {
  play: 'M5 3.5v9l7-4.5z',
  pause: 'M4.5 3.5h2.5v9H4.5zM9 3.5h2.5v9H9z',
  first: 'M3.5 3.5v9M12.5 3.5v9L5.5 8z',
  last: 'M12.5 3.5v9M3.5 3.5v9L10.5 8z',
  prevFrame: 'M11 3.5v9L4.5 8z',
  nextFrame: 'M5 3.5v9L11.5 8z',
  prevKey: 'M13 4.5v7L9.5 8zM6 4.5L2.5 8 6 11.5 9.5 8z',
  nextKey: 'M3 4.5v7L6.5 8zM10 4.5L6.5 8l3.5 3.5L13.5 8z',
  undo: 'M5.5 4L2.5 7l3 3M3 7h6.5a3.5 3.5 0 010 7H7',
  redo: 'M10.5 4l3 3-3 3M13 7H6.5a3.5 3.5 0 000 7H9',
  save: 'M3 2.5h8l2.5 2.5v8.5h-10.5zM5 2.5v3.5h5V2.5M5 13.5V9.5h6v4',
  open: 'M2 4.5h4l1.5 1.5H14v7.5H2zM2 7.5h12',
  newFile: 'M4 2.5h5.5l3 3v8h-8.5zM9.5 2.5v3h3M8 7.5v4M6 9.5h4',
  key: 'M8 2.5l5.5 5.5L8 13.5 2.5 8z',
  keyAdd: 'M7 3.5l4.5 4.5L7 12.5 2.5 8zM13 2v4M11 4h4',
  keyDelete: 'M7 3.5l4.5 4.5L7 12.5 2.5 8zM11 4h4',
  copy: 'M5.5 5.5h7.5v8h-7.5zM3 10.5V2.5h7.5',
  paste: 'M4.5 3.5h-2v10.5h9.5v-2M6 2h5v3H6zM7.5 7.5h7v7h-7z',
  mirror: 'M8 2v12M6 4.5L2.5 8 6 11.5zM10 4.5l3.5 3.5-3.5 3.5z',
  camera: 'M2 5h8.5v6.5H2zM10.5 7l3.5-2v6.5l-3.5-2',
  onion: 'M5.5 8a3 3 0 106 0 3 3 0 10-6 0M2.5 8a3 3 0 106 0 3 3 0 10-6 0',
  help: 'M6 6a2 2 0 114 0c0 1.5-2 1.5-2 3M8 11.5v1',
  rotate: 'M12.5 8A4.5 4.5 0 113.5 8a4.5 4.5 0 019 0M12.5 5v3h-3',
  move: 'M8 1.5v13M1.5 8h13M8 1.5L6 3.5M8 1.5l2 2M8 14.5l-2-2M8 14.5l2-2M1.5 8l2-2M1.5 8l2 2M14.5 8l-2-2M14.5 8l-2 2',
  fit: 'M3 6V3h3M10 3h3v3M13 10v3h-3M6 13H3v-3M8 5.5v5M5.5 8h5',
  pose: 'M8 2.5a1.5 1.5 0 100 3 1.5 1.5 0 100-3M8 5.5v4M8 9.5l-2.5 4M8 9.5l2.5 4M4 7l4-.5 4-2',
  close: 'M4 4l8 8M12 4l-8 8',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, filled = false }: { name: IconName; filled?: boolean }): ReactElement {
  return (
    <svg className="icon" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <path
        d={paths[name]}
        fill={filled ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
