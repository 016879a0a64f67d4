/** Credit balance and download-url. */
import { DOWNLOAD_LINK_TTL_MS, formatIssues, validateDownloadUrlRequest } from '@kling-kit/contract';
import type { Express } from 'express';
import { sendEnvelope } from '../http/envelope';
import { jsonBody } from '../http/json-body';
import { type OperationLocals, operationSteps } from '../http/operation';
import type { MockState } from '../state/mock-state';
import { lookupFile } from './files';

/** The `/files/...` path of a URL the mock itself issued, decoded; undefined for any other URL. */
function mockFilePath(state: MockState, url: URL): string | undefined {
  const base = `${state.settings.publicUrl}/files/`;
  const address = `${url.origin}${url.pathname}`;
  if (!address.startsWith(base)) {
    return undefined;
  }
  try {
    return decodeURIComponent(address.slice(base.length));
  } catch {
    return undefined;
  }
}

export function accountRoutes(app: Express, state: MockState): void {
  const mirror = () => state.settings.httpStatusMirror;

  app.get('/api/v1/chat/credit', operationSteps(state, 'getCreditBalance'), (_req, res) => {
    const { account } = res.locals as OperationLocals;
    sendEnvelope(res, 200, { msg: 'success', data: account.credits, mirror: mirror() });
  });

  app.post(
    '/api/v1/common/download-url',
    operationSteps(state, 'getDownloadUrl'),
    jsonBody(state, 'getDownloadUrl', 64 * 1024),
    (req, res) => {
      const result = validateDownloadUrlRequest(req.body);
      if (!result.ok) {
        sendEnvelope(res, 422, { msg: formatIssues(result.issues), mirror: mirror() });
        return;
      }
      // RFC 3986 (the spec's `uri`) admits a few URLs the WHATWG parser does not (a port over 65535).
      const url = URL.canParse(result.value.url) ? new URL(result.value.url) : undefined;
      const path = url && mockFilePath(state, url);
      if (!url || path === undefined || !lookupFile(state, path)) {
        sendEnvelope(res, 422, { msg: 'URL invalid (external file URLs not supported)', mirror: mirror() });
        return;
      }
      const expires = Math.floor((state.clock.now() + DOWNLOAD_LINK_TTL_MS) / 1000);
      const link = new URL(`${url.origin}${url.pathname}`);
      link.searchParams.set('expires', String(expires));
      link.searchParams.set('token', state.files.linkToken(path, expires));
      sendEnvelope(res, 200, { msg: 'success', data: link.toString(), mirror: mirror() });
    },
  );
}
