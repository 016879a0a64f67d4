/**
 * `POST /__validate/callback` (with `--validate`): a receiver for kie.ai's real callbacks. It reads
 * the body (at most 1 MB), hands it to the proxy tap to be checked as a `CallbackPayload` (and
 * recorded with `--record`), and answers 200 so kie.ai does not retry. Anyone who can reach it can
 * only add entries to the bounded violation list.
 */
import type { RequestHandler } from 'express';
import { readBody } from '../http/read-body';
import { KEPT_BODY_BYTES } from './exchange';
import type { ProxyTap } from './proxy-tap';

export function callbackCheck(tap: ProxyTap): RequestHandler {
  return async (req, res) => {
    let body: Buffer | 'too-large';
    try {
      body = await readBody(req, KEPT_BODY_BYTES);
    } catch {
      return; // the sender went away mid-body: nothing to check
    }
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      res
        .status(413)
        .json({ code: 413, msg: `Callback bodies are checked up to ${KEPT_BODY_BYTES} bytes`, data: null });
      return;
    }
    tap.observeCallback(req.headers, body);
    res.status(200).json({ code: 200, msg: 'success', data: null });
  };
}
