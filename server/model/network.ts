/**
 * The sampler's `Network` backed by the two ONNX sessions of docs/model-contract.md.
 * int64 inputs are built here (the sampler works in Int32Array); the encoder memory stays an
 * ORT tensor between encode and decode, never copied into JS.
 */
import type { CleanBatch, Logits, Network, QueryBatch } from '../sampler/types';
import { ort, type OrtSession, type OrtTensor } from './ort';

export interface EncoderState {
  memory: OrtTensor;
  pos: OrtTensor;
  mask: OrtTensor;
}

function int64(data: Int32Array, dims: number[]): OrtTensor {
  const big = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) big[i] = BigInt(data[i]);
  return new (ort().Tensor)('int64', big, dims);
}

export class OnnxNetwork implements Network<EncoderState> {
  /** Encoder passes and wall time spent in them (for stats and benchmarks). */
  encoderCalls = 0;
  encoderMs = 0;
  decoderMs = 0;

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
    const t0 = performance.now();
    const out = await this.encoder.run({ clean_ids: ids, clean_pos: pos, clean_mask: mask });
    this.encoderMs += performance.now() - t0;
    this.encoderCalls++;
    return { memory: out.memory as OrtTensor, pos, mask };
  }

  async decode(state: EncoderState, _clean: CleanBatch, queries: QueryBatch): Promise<Logits> {
    const q = int64(queries.pos, [queries.batch, queries.q]);
    const t0 = performance.now();
    const out = await this.decoder.run({ memory: state.memory, clean_pos: state.pos, clean_mask: state.mask, query_pos: q });
    this.decoderMs += performance.now() - t0;
    const logits = out.logits as OrtTensor;
    const [batch, nq, vocab] = logits.dims;
    return { batch, q: nq, vocab, data: logits.data as Float32Array };
  }

  releaseMemory(state: EncoderState): void {
    state.memory.dispose?.();
  }
}
