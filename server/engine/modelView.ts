/**
 * The engine's view of a loaded model (EngineModel), for the language server, the CLI and the
 * benchmarks alike.
 */
import type { LoadedModel } from '../model/host';
import type { EngineModel } from './fill';

/** The contextCache setting's value as LoadedModel.networkFor takes it (-1 = exact = null). */
export function cacheOf(setting: number): number | null {
  return setting >= 0 ? setting : null;
}

/** The engine view of a model for one fill; `contextCache` as LoadedModel.networkFor. */
export function engineOf(model: LoadedModel, contextCache: number | null): EngineModel {
  return {
    tokenizer: model.tokenizer,
    network: model.networkFor(contextCache),
    specialIds: model.manifest.specialIds,
    canvas: model.manifest.architecture.canvas,
    fixedLength: model.manifest.fillLength === 'fixed',
  };
}
