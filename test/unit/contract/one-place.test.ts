/**
 * Concepts that used to be written more than once, and disagreed: each is now in one place, and each
 * test here fails if a door goes its own way again.
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_TOP, parseArgs } from '../../../app/contract/api.ts';
import { HTTP_STATUS, EidosError, type ErrorCode } from '../../../app/contract/errors.ts';
import { fileIdOf } from '../../../app/contract/photo-id.ts';
import { parseMediaRoute } from '../../../app/contract/media-route.ts';
import { toPhotoDetail, toSearchResult } from '../../../app/search/results.ts';
import { DEFAULT_SETTINGS } from '../../../app/service/settings.ts';
import { startBridge } from '../../../app/server/bridge.ts';
import type { PhotoRow } from '../../../app/store/types.ts';
import { sendRequest } from '../../helpers/http.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

vi.mock('electron', () => ({ protocol: { registerSchemesAsPrivileged: () => undefined } }));
const { appProtocolResponse } = await import('../../../main/protocol.ts');

const row: PhotoRow = {
  id: 42,
  path: '/photos/a.jpg',
  folder: '/photos',
  size: 1234,
  format: 'jpeg',
  contentHash: 'abc',
  mtimeMs: 1_700_000_000_000,
  takenAt: '2024-06-01T10:00:00',
  lat: null,
  lon: null,
  make: 'Canon',
  model: 'Canon EOS R5',
  lens: 'RF 24-70',
  width: 8192,
  height: 5464,
};

describe('one concept, one place', () => {
  it('the photo detail and the search result show the same photo the same way', () => {
    const detail = toPhotoDetail(row);
    const result = toSearchResult(row, 3.5);
    expect(detail.camera).toBe('Canon EOS R5');
    for (const key of ['id', 'path', 'thumbnailUrl', 'takenAt', 'camera', 'width', 'height'] as const)
      expect(detail[key]).toEqual(result[key]);
    // Bits belong to a search: the detail does not invent any.
    expect('bits' in detail).toBe(false);
  });

  it('one photo id, one spelling, whichever door reads it', () => {
    for (const alias of ['01', '0x2a', '4.2e1', '42 ', '-1', '0']) {
      expect(fileIdOf(alias)).toBeUndefined();
    }
    expect(fileIdOf('42')).toBe(42);
    // The search's `like` and the media routes both go through fileIdOf: the same ids parse in both.
    expect(parseMediaRoute('42/thumb')).toEqual({ id: '42', variant: 'thumb' });
    expect(parseArgs('search', { like: '42' })).toEqual({ like: '42' });
  });

  it('every error code has one HTTP status, and the bridge and eidos:// both answer it', async () => {
    const codes = Object.keys(HTTP_STATUS) as ErrorCode[];
    expect(codes.length).toBeGreaterThan(20);
    const engine = fakeEngine(tableMedia({}, []));
    const bridge = await startBridge({ handlers: engine.handlers });
    try {
      for (const code of codes) {
        engine.handlers.status = async () => {
          throw new EidosError(code, `failed with ${code}`);
        };
        const answer = await sendRequest(bridge, '/api/status', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        });
        expect(answer.status, code).toBe(HTTP_STATUS[code]);
        const media = tableMedia({}, []);
        media.locate = async () => {
          throw new EidosError(code, `failed with ${code}`);
        };
        const response = await appProtocolResponse(new Request('eidos://app/media/1/thumb'), {
          staticDir: '/nonexistent',
          media,
        });
        expect(response.status, code).toBe(HTTP_STATUS[code]);
      }
    } finally {
      await bridge.close();
    }
  });

  it('one default result count: the settings start from the contract’s', () => {
    expect(DEFAULT_SETTINGS.defaultTop).toBe(DEFAULT_TOP);
  });
});
