/**
 * The Jupyter wire protocol (messaging spec v5.3): a message travels as ZeroMQ frames
 * `[...identities, '<IDS|MSG>', hmac, header, parent_header, metadata, content, ...buffers]`,
 * where hmac is the hex HMAC-SHA256 (keyed by the connection file's `key`) over the four JSON parts.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

/** A message header (msg_id, msg_type, session, ...). */
export interface MessageHeader {
  readonly msg_id: string;
  readonly msg_type: string;
  readonly session: string;
  readonly username: string;
  readonly date: string;
  readonly version: string;
}

/** A decoded message; `parent_header` is `{}` when the message has no parent. */
export interface JupyterMessage {
  readonly header: MessageHeader;
  readonly parent_header: Partial<MessageHeader>;
  readonly metadata: Record<string, unknown>;
  readonly content: Record<string, unknown>;
}

/** Hex HMAC-SHA256 over the four JSON parts, or '' when the key is empty (signing disabled). */
export function signParts(key: string, parts: readonly string[]): string {
  if (key === '') return '';
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** A new message of `msgType` in `session`, with a fresh msg_id. */
export function newMessage(msgType: string, session: string, content: Record<string, unknown>): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(), msg_type: msgType, session, username: 'lab',
      date: new Date().toISOString(), version: PROTOCOL_VERSION,
    },
    parent_header: {}, metadata: {}, content,
  };
}

/** Frames for `msg` (no routing identities: the client side of DEALER sockets needs none). */
export function encodeMessage(key: string, msg: JupyterMessage): string[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => JSON.stringify(p));
  return [DELIMITER, signParts(key, parts), ...parts];
}

/** Decodes frames and checks the signature; throws naming what is wrong (missing delimiter, bad hmac). */
export function decodeMessage(key: string, frames: readonly Uint8Array[]): JupyterMessage {
  const text = frames.map((f) => Buffer.from(f).toString('utf8'));
  const at = text.indexOf(DELIMITER);
  if (at < 0) throw new Error(`jupyter message: no '${DELIMITER}' delimiter among ${frames.length} frames`);
  if (text.length < at + 6) throw new Error(`jupyter message: ${text.length - at - 2} parts after the delimiter, expected >= 4`);
  const parts = text.slice(at + 2, at + 6);
  const want = signParts(key, parts);
  if (text[at + 1] !== want) throw new Error(`jupyter message: bad hmac signature '${text[at + 1]}' (expected '${want}')`);
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p) as Record<string, unknown>);
  return {
    header: header as unknown as MessageHeader,
    parent_header: parent as Partial<MessageHeader>,
    metadata: metadata!, content: content!,
  };
}
