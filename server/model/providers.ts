/**
 * Which execution providers to try, in order, for a setting. Pure: the platform and the list of
 * providers the installed binaries offer are inputs, so every branch is unit-tested.
 */
import type { ExecutionProviderSetting } from '../../contract/settings';

export type ProviderName = Exclude<ExecutionProviderSetting, 'auto'>;

/** GPU providers worth trying under `auto`, per platform, best first. */
const GPU_BY_PLATFORM: Record<string, ProviderName[]> = {
  linux: ['cuda', 'webgpu'],
  win32: ['cuda', 'dml', 'webgpu'],
  darwin: ['coreml', 'webgpu'],
};

export interface ProviderPlan {
  /** Providers to try in order; the last is always 'cpu'. */
  order: ProviderName[];
  /** Why providers were left out before trying (name -> reason). */
  notes: Record<string, string>;
}

export function planProviders(setting: ExecutionProviderSetting, platform: string, available: string[]): ProviderPlan {
  const notes: Record<string, string> = {};
  const wanted: ProviderName[] = setting === 'auto' ? (GPU_BY_PLATFORM[platform] ?? []) : setting === 'cpu' ? [] : [setting];
  const order: ProviderName[] = [];
  for (const p of wanted) {
    if (available.includes(p)) order.push(p);
    else notes[p] = `not offered by this onnxruntime-node build on ${platform}`;
  }
  if (setting === 'auto') {
    for (const p of ['cuda', 'dml', 'coreml', 'webgpu'] as const) {
      if (!wanted.includes(p)) notes[p] ??= `not used on ${platform}`;
    }
  }
  order.push('cpu');
  return { order, notes };
}

/** First line of an onnxruntime error, without its source-file prefix, for status messages. */
export function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n')[0];
  return line.replace(/^\S+\.(cc|cpp|h):\d+\s+\S+\s*/, '').slice(0, 200);
}
