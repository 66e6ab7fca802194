/** Picks the load-test client: the one place that knows every LoadClient implementation talking to a real cluster. */
import type { Connection } from '../cluster/port.js';
import { UserError } from '../errors.js';
import { KafkajsLoadClient } from './kafkajs-load-client.js';
import type { LoadClient } from './load-client.js';
import { PlatformaticLoadClient } from './platformatic-load-client.js';
import { installPlatformaticWorkarounds } from './platformatic-workarounds.js';

export type LoadClientName = 'platformatic' | 'kafkajs';

/** The client the load test uses: @platformatic/kafka unless KAFKAFORM_LOADTEST_CLIENT=kafkajs (or the argument) says otherwise. */
export function createLoadClient(conn: Connection, name: LoadClientName | undefined = process.env.KAFKAFORM_LOADTEST_CLIENT as LoadClientName | undefined): LoadClient {
  if (name === 'kafkajs') return new KafkajsLoadClient(conn);
  if (name !== undefined && name !== 'platformatic') throw new UserError(`unknown load-test client "${name}"`, 'use platformatic or kafkajs');
  installPlatformaticWorkarounds();
  return new PlatformaticLoadClient(conn);
}
