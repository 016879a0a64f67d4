/**
 * Failure reasons the mock gives failed tasks. kie.ai documents only `500` / `Internal server error`
 * (its Kling v2.1 Pro callback example); the others are plausible reasons for a video model,
 * clearly mock values, so clients see more than one shape (and an integer failCode).
 */
export interface FailureReason {
  readonly failCode: string | number;
  readonly failMsg: string;
}

export const FAILURE_REASONS: readonly FailureReason[] = [
  { failCode: '500', failMsg: 'Internal server error' },
  { failCode: '500', failMsg: 'Internal server error' },
  { failCode: '400', failMsg: 'The image could not be downloaded or is not a supported image' },
  { failCode: '422', failMsg: 'The input was rejected by the content safety check' },
  { failCode: 501, failMsg: 'Video generation failed, please try again' },
];
