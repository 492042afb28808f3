import type { Context } from 'aws-lambda';

/** The Context object Lambda passes beside the event. */
export function lambdaContext(functionName = 'aside-api'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'e0c4b6b2-3f5d-4c1e-9a55-0f1e2d3c4b5a',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
