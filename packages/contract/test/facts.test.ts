import { describe, expect, it } from 'vitest';
import {
  API_SERVER_URL,
  creditsForDuration,
  describeResponseCode,
  durations,
  inputDefaults,
  isFinalTaskState,
  isResponseCode,
  isUploadPath,
  KLING_MODEL,
  responseCodes,
  taskStates,
  UPLOAD_PATHS,
  UPLOAD_SERVER_URL,
} from '../src/index';

describe('facts read from the spec', () => {
  it('names the two servers of kie.ai and the paths of the upload server', () => {
    expect(API_SERVER_URL).toBe('https://api.kie.ai');
    expect(UPLOAD_SERVER_URL).toBe('https://kieai.redpandaai.co');
    expect([...UPLOAD_PATHS].sort()).toEqual([
      '/api/file-base64-upload',
      '/api/file-stream-upload',
      '/api/file-url-upload',
    ]);
    expect(isUploadPath('/api/file-url-upload')).toBe(true);
    expect(isUploadPath('/api/v1/jobs/createTask')).toBe(false);
    expect(isUploadPath('/api/file-url-upload?x=1')).toBe(false);
  });

  it('lists every business code of the seed (plus 400 and 433) with its meaning', () => {
    expect(responseCodes.map((info) => info.code)).toEqual([
      200, 400, 401, 402, 404, 422, 429, 433, 455, 500, 501, 505,
    ]);
    expect(describeResponseCode(402)).toEqual({
      code: 402,
      name: 'InsufficientCredits',
      meaning: 'Insufficient credits - the account balance cannot cover the operation',
    });
    expect(describeResponseCode(455)?.name).toBe('ServiceUnavailable');
    expect(describeResponseCode(418)).toBeUndefined();
    expect(isResponseCode(429)).toBe(true);
    expect(isResponseCode('429')).toBe(false);
    for (const info of responseCodes) {
      expect(info.meaning.length).toBeGreaterThan(10);
    }
  });

  it('knows the model, its states, durations, defaults and prices', () => {
    expect(KLING_MODEL).toBe('kling/v2-1-pro');
    expect(taskStates).toEqual(['waiting', 'queuing', 'generating', 'success', 'fail']);
    expect(taskStates.filter(isFinalTaskState)).toEqual(['success', 'fail']);
    expect(durations).toEqual(['5', '10']);
    expect(inputDefaults).toEqual({ duration: '5', cfg_scale: 0.5 });
    expect(creditsForDuration('5')).toBe(50);
    expect(creditsForDuration('10')).toBe(100);
    expect(creditsForDuration()).toBe(50);
  });
});
