import * as ort from 'onnxruntime-node';

/**
 * Execution providers, in order of preference per platform. onnxruntime-node bundles only the CPU
 * provider (plus DirectML on Windows and CoreML on macOS); CUDA needs the user to install it
 * (ONNXRUNTIME_NODE_INSTALL=cuda12), so trying it can fail and we must fall back with a clear
 * message rather than die.
 */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

export interface ProviderChoice {
  /** The provider the session actually runs on. */
  readonly name: ProviderName;
  /** Why preferred providers were skipped (empty when the first choice worked). */
  readonly messages: readonly string[];
}

export function preferredProviders(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  if (platform === 'linux') return ['cuda', 'cpu'];
  return ['cpu'];
}

const ALIASES: Record<string, ProviderName> = {
  cpu: 'cpu',
  cuda: 'cuda',
  dml: 'dml',
  directml: 'dml',
  coreml: 'coreml',
};

/** Parses an override (option or KEYPOSE_EP); throws on an unknown name so typos are not silent. */
export function parseProvider(value: string): ProviderName {
  const name = ALIASES[value.trim().toLowerCase()];
  if (!name) {
    throw new Error(`unknown execution provider "${value}" (KEYPOSE_EP): use one of cpu, cuda, dml, coreml`);
  }
  return name;
}

export interface SessionRequest {
  /** Explicit provider; otherwise env KEYPOSE_EP; otherwise the platform's preference list. */
  readonly override?: string;
  readonly threads?: number;
  readonly platform?: NodeJS.Platform;
  readonly env?: Record<string, string | undefined>;
}

export function providerOrder(req: SessionRequest = {}): ProviderName[] {
  const wanted = req.override ?? (req.env ?? process.env).KEYPOSE_EP;
  if (wanted) {
    const p = parseProvider(wanted);
    return p === 'cpu' ? ['cpu'] : [p, 'cpu'];
  }
  return preferredProviders(req.platform);
}

/**
 * Creates a session on the first provider that loads. Each provider is tried alone (no silent
 * per-node CPU fallback inside onnxruntime), so the provider reported is the one really in use.
 */
// onnxruntime logs a provider that fails to load (and graph-cleanup notes) on stderr at error
// level; we catch, explain and report those ourselves. KEYPOSE_ORT_LOG=warning brings them back.
ort.env.logLevel = (process.env.KEYPOSE_ORT_LOG as typeof ort.env.logLevel) ?? 'fatal';

/** Providers that already failed in this process (with why), so later sessions skip them. */
const failedProviders = new Map<ProviderName, string>();

export async function createSessionWithFallback(
  model: Uint8Array,
  req: SessionRequest = {},
): Promise<{ session: ort.InferenceSession; choice: ProviderChoice }> {
  const messages: string[] = [];
  let lastError: unknown = null;
  for (const name of providerOrder(req)) {
    const failed = failedProviders.get(name);
    if (failed && name !== 'cpu') {
      messages.push(failed);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [name],
        graphOptimizationLevel: 'all',
        // onnxruntime logs a failed provider load at error level on stderr; we report it ourselves.
        ...(name === 'cpu' ? {} : { logSeverityLevel: 4 as const }),
        ...(req.threads ? { intraOpNumThreads: req.threads } : {}),
        // Idle pool threads sleep instead of spinning: the engine shares the machine's cores with
        // the UI (and, on build machines, other jobs); measured here, spinning burned ~50% more
        // CPU per frame for the same wall time.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return { session, choice: { name, messages } };
    } catch (err) {
      lastError = err;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      const message =
        name === 'cpu'
          ? `CPU execution provider failed: ${why}`
          : `${name.toUpperCase()} execution provider unavailable (${why}); falling back`;
      messages.push(message);
      failedProviders.set(name, message);
    }
  }
  throw new Error(`no execution provider could run the model: ${messages.join('; ')}`, { cause: lastError });
}
