import type { ApiMethodName } from '../core/contract/api.js';

/**
 * IPC channel names shared by the main process and the preload. One channel per API method
 * (not one generic "call" channel) so the main process only ever answers the methods it knows.
 */
export const API_CHANNEL_PREFIX = 'keypose:api:';
export const MENU_CHANNEL = 'keypose:menu';
/** Job events (progress, frames, results, engine status) from the main process to the page. */
export const JOB_EVENT_CHANNEL = 'keypose:job-event';

export const apiChannel = (method: ApiMethodName): string => `${API_CHANNEL_PREFIX}${method}`;

/** The app's own origin: the renderer is served from app://keypose/ (see appProtocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keypose';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
