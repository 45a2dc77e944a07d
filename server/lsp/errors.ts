/**
 * Errors the server answers with: a protocol code (server/protocol.ts) and a clear message.
 * Anything else thrown inside a handler becomes InferenceFailed, so a request never kills the
 * server.
 */
import { ResponseError } from 'vscode-languageserver/node';
import { PgmErrorCodes, REQUEST_CANCELLED, type PgmErrorCode } from '../../contract/protocol';
import { SelectionTooLargeError } from '../engine/explicit';
import { AbortError } from '../sampler/loop';
import { SchedulerError } from './scheduler';

export class PgmError extends Error {
  constructor(readonly code: PgmErrorCode, message: string) {
    super(message);
    this.name = 'PgmError';
  }
}

export function toResponseError(e: unknown): ResponseError<unknown> {
  if (e instanceof PgmError) return new ResponseError(e.code, e.message);
  if (e instanceof SelectionTooLargeError) return new ResponseError(PgmErrorCodes.SelectionTooLarge, e.message, e.data);
  if (e instanceof AbortError) return new ResponseError(REQUEST_CANCELLED, 'cancelled');
  if (e instanceof SchedulerError) {
    if (e.reason === 'superseded') return new ResponseError(PgmErrorCodes.Superseded, e.message);
    if (e.reason === 'queue-full') return new ResponseError(PgmErrorCodes.QueueFull, e.message);
    return new ResponseError(REQUEST_CANCELLED, e.message);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new ResponseError(PgmErrorCodes.InferenceFailed, `fill failed: ${msg}`);
}
