// smpp 0.5.1 ships no types: the parts providers.ts, the test SMSC and the benchmark use.
declare module 'smpp' {
  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    esm_class?: number;
    data_coding?: number;
    registered_delivery?: number;
    source_addr?: string;
    destination_addr?: string;
    system_id?: string;
    password?: string;
    message_id?: string;
    receipted_message_id?: string;
    short_message?: { message?: string | Buffer; udh?: Buffer[] } | Buffer | string;
    message_payload?: { message?: string | Buffer } | Buffer | string;
    response(o?: Record<string, unknown>): Pdu;
  }
  export interface Session {
    on(event: 'error', fn: (e: Error) => void): this;
    on(event: 'close' | 'connect', fn: () => void): this;
    on(event: string, fn: (pdu: Pdu) => void): this;
    once(event: 'error', fn: (e: Error) => void): this;
    once(event: 'close' | 'connect', fn: () => void): this;
    send(pdu: Pdu): boolean;
    pause(): void;
    resume(): void;
    bind_transceiver(o: Record<string, unknown>, cb: (pdu: Pdu) => void): boolean;
    submit_sm(o: Record<string, unknown>, cb: (pdu: Pdu) => void): boolean;
    deliver_sm(o: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
    unbind(cb?: (pdu: Pdu) => void): boolean;
    close(cb?: () => void): void;
    destroy(cb?: () => void): void;
    socket: { writable: boolean; remoteAddress?: string; setNoDelay(on?: boolean): void };
  }
  export interface Server {
    listen(port: number, host: string, cb?: () => void): void;
    address(): { port: number };
    close(cb?: () => void): void;
  }
  export function connect(o: { url?: string; host?: string; port?: number; auto_enquire_link_period?: number }): Session;
  export function createServer(o: Record<string, unknown>, listener: (session: Session) => void): Server;
  const smpp: { connect: typeof connect; createServer: typeof createServer };
  export default smpp;
}
