/**
 * The sampler's `Network` backed by the encoder and decoder sessions of docs/model-contract.md
 * (models that ship no step graph). The encoder memory stays an ORT tensor between encode and
 * decode, never copied into JS.
 */
import type { CleanBatch, Logits, Network, QueryBatch } from '../sampler/types';
import { int64Tensor as int64, ort, type OrtSession, type OrtTensor } from './ort';

export interface EncoderState {
  memory: OrtTensor;
  pos: OrtTensor;
  mask: OrtTensor;
}

export class OnnxNetwork implements Network<EncoderState> {
  constructor(
    private readonly encoder: OrtSession,
    private readonly decoder: OrtSession,
    readonly vocabSize: number,
  ) {}

  async encode(clean: CleanBatch): Promise<EncoderState> {
    const dims = [clean.batch, clean.n];
    const ids = int64(clean.ids, dims);
    const pos = int64(clean.pos, dims);
    const mask = new (ort().Tensor)('bool', clean.mask, dims);
    const out = await this.encoder.run({ clean_ids: ids, clean_pos: pos, clean_mask: mask });
    return { memory: out.memory as OrtTensor, pos, mask };
  }

  async decode(state: EncoderState, _clean: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const q = int64(queries.pos, [queries.batch, queries.q]);
    const out = await this.decoder.run({ memory: state.memory, clean_pos: state.pos, clean_mask: state.mask, query_pos: q });
    const logits = out.logits as OrtTensor;
    const [batch, nq, vocab] = logits.dims;
    return { batch, q: nq, vocab, data: logits.data as Float32Array };
  }

  releaseMemory(state: EncoderState): void {
    state.memory.dispose?.();
  }
}
