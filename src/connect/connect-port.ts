/** The Kafka Connect REST API as kafkaform uses it: one port, a fetch client (connect-client.ts) and an in-memory twin. */

/** A connector's state as the worker reports it. */
export type LiveConnectorState = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'UNASSIGNED' | 'RESTARTING';

export interface LiveTask {
  id: number;
  state: LiveConnectorState;
  /** The task's stack trace when it failed. */
  trace?: string;
}

/** One connector on the worker: its config (as the worker stores it), its state and its tasks. */
export interface LiveConnector {
  name: string;
  config: Record<string, string>;
  state: LiveConnectorState;
  tasks: LiveTask[];
}

/** One config problem the worker's own validation found. */
export interface ConnectConfigError {
  /** The config key (`name` in Connect's answer). */
  key: string;
  message: string;
}

export interface ConnectPlugin {
  class: string;
  type: string;
  version?: string;
}

export interface ConnectPort {
  /** Where the worker is (for messages). */
  readonly url: string;
  plugins(): Promise<ConnectPlugin[]>;
  /** Every connector with config and status (`GET /connectors?expand=info&expand=status`). */
  connectors(): Promise<LiveConnector[]>;
  /** Creates or replaces a connector's config (`PUT /connectors/{name}/config`). */
  putConfig(name: string, config: Record<string, string>): Promise<void>;
  deleteConnector(name: string): Promise<void>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  /** Restarts the connector and its failed tasks (`POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true`). */
  restart(name: string): Promise<void>;
  /** The worker's validation of a config (`PUT /connector-plugins/{class}/config/validate`); throws ConnectError(unknown-class) for a class it lacks. */
  validate(connectorClass: string, config: Record<string, string>): Promise<ConnectConfigError[]>;
}

export type ConnectErrorCode = 'unreachable' | 'unauthorized' | 'unknown-class' | 'rejected' | 'not-found';
