/**
 * One SASL mapping per client library. kafkaform (and the Terraform provider) spell mechanisms
 * `scram-sha512`; kafkajs wants `scram-sha-512`, @platformatic/kafka `SCRAM-SHA-512`. Every client
 * built from a Connection takes its SASL settings from here.
 */
import type { SASLOptions as KafkajsSasl } from 'kafkajs';
import type { SASLOptions as PlatformaticSasl } from '@platformatic/kafka';
import type { Connection } from './port.js';

type Mechanism = NonNullable<Connection['sasl']>['mechanism'];

const KAFKAJS_MECHANISM = { plain: 'plain', 'scram-sha256': 'scram-sha-256', 'scram-sha512': 'scram-sha-512' } as const satisfies Record<Mechanism, string>;
const PLATFORMATIC_MECHANISM = { plain: 'PLAIN', 'scram-sha256': 'SCRAM-SHA-256', 'scram-sha512': 'SCRAM-SHA-512' } as const satisfies Record<Mechanism, string>;

/** kafkajs `sasl` option for a Connection (undefined without SASL). */
export function kafkajsSasl(conn: Pick<Connection, 'sasl'>): KafkajsSasl | undefined {
  if (!conn.sasl) return undefined;
  return { mechanism: KAFKAJS_MECHANISM[conn.sasl.mechanism], username: conn.sasl.username, password: conn.sasl.password } as KafkajsSasl;
}

/** @platformatic/kafka `sasl` option for a Connection (undefined without SASL). */
export function platformaticSasl(conn: Pick<Connection, 'sasl'>): PlatformaticSasl | undefined {
  if (!conn.sasl) return undefined;
  return { mechanism: PLATFORMATIC_MECHANISM[conn.sasl.mechanism], username: conn.sasl.username, password: conn.sasl.password };
}
