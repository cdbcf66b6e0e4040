// Types of fault-server.js, for the TypeScript tests.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export type Fault = 'stall' | 'stall-body' | 'slow' | 'die' | 'bomb' | 'html' | '404' | '500';

export const FAULTS: Fault[];
export const BOMB_INFLATED: number;
export function decompressionBomb(): Promise<Buffer>;

export function respond(
  response: ServerResponse,
  options: { fault?: Fault; body?: Uint8Array; type: string; open?: Set<ServerResponse> },
): Promise<void>;

export function parseFaults(spec: string): { fault: Fault; target: string }[];
export function faultFor(
  faults: { fault: Fault; target: string }[],
  path: string,
): Fault | undefined;

export interface FaultServer {
  origin: string;
  requests: { path: string; time: number; headers: IncomingHttpHeaders }[];
  url(path?: string): URL;
  fault(path: string, fault: Fault, times?: number): void;
  clearFaults(): void;
  put(path: string, body: Uint8Array | string): void;
  readonly hanging: number;
  close(): Promise<void>;
}

export function startFaultServer(root: string): Promise<FaultServer>;

export function faultMiddleware(
  root: string,
): (context: unknown, next: () => Promise<unknown>) => Promise<unknown>;
