import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { WireAnswer } from './dynalite-wire.js';
import type { Image } from './written-items.js';

/** An error DynamoDB answers before trying a request. */
export interface Refusal {
  readonly type: 'ValidationException' | 'ResourceNotFoundException';
  readonly message: string;
}

/** One entry of a TransactionCanceledException's CancellationReasons, in the order of TransactItems. */
export interface CancellationReason {
  readonly Code: 'None' | 'ConditionalCheckFailed';
  readonly Message?: string;
  /** The item as it was, when the action asked for it with ReturnValuesOnConditionCheckFailure ALL_OLD. */
  readonly Item?: Image;
}

const NAMESPACES: Record<Refusal['type'], string> = {
  ValidationException: 'com.amazon.coral.validate',
  ResourceNotFoundException: 'com.amazonaws.dynamodb.v20120810',
};

/** An answer of DynamoDB's JSON protocol with the headers dynalite sends (SDKs check the CRC32 when present). */
export function jsonAnswer(status: number, document: object): WireAnswer {
  const body = Buffer.from(JSON.stringify(document));
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amz-crc32': String(crc32(body)),
      'x-amzn-requestid': randomUUID().replaceAll('-', '').toUpperCase(),
    },
    body,
  };
}

export function refusalAnswer({ type, message }: Refusal): WireAnswer {
  return jsonAnswer(400, { __type: `${NAMESPACES[type]}#${type}`, message });
}

/** DynamoDB spells this exception's message `Message`, and lists every reason's code in it. */
export function transactionCanceledAnswer(reasons: readonly CancellationReason[]): WireAnswer {
  return jsonAnswer(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
      .map((reason) => reason.Code)
      .join(', ')}]`,
    CancellationReasons: reasons,
  });
}
