import { createStreamRuntime } from '../../composition/create-stream-runtime.js';
import type { Config } from '../../config/config.js';
import { startChangeCaptureProxy } from './change-capture-proxy.js';
import { createStreamDelivery } from './stream-delivery.js';

export interface LocalChangeStream {
  /** The DynamoDB endpoint whose writes reach the stream handler. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * What DynamoDB Streams and Lambda's event source mapping do on AWS, for dynalite: writes made through
 * the returned endpoint become the table's stream records, applied by the stream function's own
 * runtime. `config` points at dynalite itself, so the stream runtime's own requests are not captured.
 */
export async function startLocalChangeStream(
  config: Config,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
): Promise<LocalChangeStream> {
  const { tableName, endpoint: dynaliteEndpoint } = config.dynamodb;
  if (!dynaliteEndpoint)
    throw new Error('The local change stream needs the dynalite endpoint in DYNAMODB_ENDPOINT');
  const runtime = await createStreamRuntime(config, { dynamoDbCredentials: credentials });
  const { logger } = runtime.telemetry;
  const delivery = createStreamDelivery({ handle: runtime.handle, logger });
  const stopStream = async () => {
    await delivery.stop();
    await runtime.close();
  };
  try {
    const proxy = await startChangeCaptureProxy({
      target: dynaliteEndpoint,
      region: config.aws.region,
      // The stream function is mapped to this one table's stream, as on AWS.
      onRecords: (table, records) => {
        if (table === tableName) delivery.publish(records);
      },
      logger,
    });
    return {
      endpoint: proxy.endpoint,
      stop: async () => {
        await proxy.stop();
        await stopStream();
      },
    };
  } catch (error) {
    await stopStream();
    throw error;
  }
}
