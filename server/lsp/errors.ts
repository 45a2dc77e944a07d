/**
 * Errors the server answers with: a protocol code (contract/protocol.ts), a clear message, and
 * `data.kind` (PgmErrorKind) for the client to switch on. Anything else thrown inside a handler
 * becomes InferenceFailed, so a request never kills the server.
 */
import { ResponseError } from 'vscode-languageserver/node';
import {
  KIND_OF_CODE, PgmErrorCodes, REQUEST_CANCELLED, type ModelErrorKind, type PgmErrorCode, type PgmErrorData,
} from '../../contract/protocol';
import { SelectionTooLargeError } from '../engine/explicit';
import { AbortError } from '../sampler/loop';
import { SchedulerError } from './scheduler';

type ModelUnavailable = typeof PgmErrorCodes.ModelUnavailable;

export class PgmError extends Error {
  readonly data: PgmErrorData;
  /** ModelUnavailable names its model kind; every other code has one kind (KIND_OF_CODE). */
  constructor(code: ModelUnavailable, message: string, kind: ModelErrorKind);
  constructor(code: Exclude<PgmErrorCode, ModelUnavailable>, message: string);
  constructor(readonly code: PgmErrorCode, message: string, kind?: ModelErrorKind) {
    super(message);
    this.name = 'PgmError';
    this.data = { kind: code === PgmErrorCodes.ModelUnavailable ? (kind ?? 'modelNotLoaded') : KIND_OF_CODE[code] };
  }
}

export function toResponseError(e: unknown): ResponseError<PgmErrorData | undefined> {
  if (e instanceof PgmError) return new ResponseError(e.code, e.message, e.data);
  if (e instanceof SelectionTooLargeError) return new ResponseError(PgmErrorCodes.SelectionTooLarge, e.message, e.data);
  if (e instanceof AbortError) return new ResponseError(REQUEST_CANCELLED, 'cancelled');
  if (e instanceof SchedulerError) {
    if (e.reason === 'superseded') return new ResponseError(PgmErrorCodes.Superseded, e.message, { kind: 'superseded' });
    if (e.reason === 'queue-full') return new ResponseError(PgmErrorCodes.QueueFull, e.message, { kind: 'queueFull' });
    return new ResponseError(REQUEST_CANCELLED, e.message);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new ResponseError(PgmErrorCodes.InferenceFailed, `fill failed: ${msg}`, { kind: 'inferenceFailed' });
}
