import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIND_OF_CODE, PgmErrorCodes, REQUEST_CANCELLED, errorKindOf } from '../../contract/protocol';
import { SelectionTooLargeError } from '../../server/engine/explicit';
import { PgmError, toResponseError } from '../../server/lsp/errors';
import { loadErrorKind } from '../../server/lsp/modelOwner';
import { SchedulerError } from '../../server/lsp/scheduler';
import { ManifestError } from '../../server/model/manifest';

describe('error kinds', () => {
  it('every code but ModelUnavailable has its own kind', () => {
    const codes = Object.values(PgmErrorCodes).filter((c) => c !== PgmErrorCodes.ModelUnavailable);
    assert.deepEqual(Object.keys(KIND_OF_CODE).map(Number).sort(), [...codes].sort());
    const kinds = Object.values(KIND_OF_CODE);
    assert.equal(new Set(kinds).size, kinds.length);
  });

  it('every error the server answers carries data.kind', () => {
    const stale = toResponseError(new PgmError(PgmErrorCodes.StaleVersion, 'document changed'));
    assert.deepEqual([stale.code, stale.data], [PgmErrorCodes.StaleVersion, { kind: 'staleVersion' }]);
    const model = toResponseError(new PgmError(PgmErrorCodes.ModelUnavailable, 'model at /m refused: x', 'modelInvalid'));
    assert.deepEqual([model.code, model.data], [PgmErrorCodes.ModelUnavailable, { kind: 'modelInvalid' }]);
    const crash = toResponseError(new Error('model/manifest/onnx words in a message change nothing'));
    assert.deepEqual([crash.code, crash.data], [PgmErrorCodes.InferenceFailed, { kind: 'inferenceFailed' }]);
    assert.equal(toResponseError(new SchedulerError('queue-full', 'full')).data?.kind, 'queueFull');
    assert.equal(toResponseError(new SchedulerError('superseded', 'newer')).data?.kind, 'superseded');
    const big = toResponseError(new SelectionTooLargeError({ kind: 'selectionTooLarge', range: 0, tokens: 9, maxTokens: 4 }));
    assert.equal(big.data?.kind, 'selectionTooLarge');
    assert.equal(toResponseError(new SchedulerError('cancelled', 'c')).code, REQUEST_CANCELLED);
  });

  it('a failed load is classified by the error raised, not by its text', () => {
    assert.equal(loadErrorKind(new ManifestError('/m', 'the folder does not exist', 'missing')), 'modelMissing');
    assert.equal(loadErrorKind(new ManifestError('/m', 'no such file (it does not exist)')), 'modelInvalid');
    assert.equal(loadErrorKind(new Error('model manifest.json does not exist')), 'providerFailed');
  });

  it('errorKindOf reads only a known kind from data', () => {
    assert.equal(errorKindOf({ code: 1005, message: 'x', data: { kind: 'modelMissing' } }), 'modelMissing');
    assert.equal(errorKindOf({ data: { kind: 'somethingElse' } }), undefined);
    assert.equal(errorKindOf(new Error('model missing')), undefined);
    assert.equal(errorKindOf(undefined), undefined);
  });
});
