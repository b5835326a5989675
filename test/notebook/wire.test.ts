import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, newMessage, signParts, DELIMITER } from '../../tools/notebooks/wire.ts';

// Reference made with Python's hmac module (independent of node:crypto):
//   h = hmac.new(b'secret-key', digestmod=hashlib.sha256)
//   for p in [b'{"msg_id":"a"}', b'{}', b'{}', b'{"code":"1+1"}']: h.update(p)
//   h.hexdigest()
const REF = '712005a3ddfac00ddc4b5e88335391b3a6ee2873954746371defcd8f11725fad';

test('signParts matches the HMAC-SHA256 reference over header, parent, metadata, content', () => {
  assert.equal(signParts('secret-key', ['{"msg_id":"a"}', '{}', '{}', '{"code":"1+1"}']), REF);
  assert.equal(signParts('', ['x']), '');
});

test('encode/decode round trip, with routing identities, and a tampered message is refused', () => {
  const m = newMessage('execute_request', 'sess', { code: '1+1' });
  const frames = encodeMessage('k', m);
  assert.equal(frames[0], DELIMITER);
  const withIds = [Buffer.from('ident'), ...frames.map((f) => Buffer.from(f))];
  const back = decodeMessage('k', withIds);
  assert.deepEqual(back.content, { code: '1+1' });
  assert.equal(back.header.msg_type, 'execute_request');
  assert.equal(back.header.version, '5.3');
  const bad = [...frames]; bad[5] = '{"code":"2+2"}';
  assert.throws(() => decodeMessage('k', bad.map((f) => Buffer.from(f))), /bad hmac/);
  assert.throws(() => decodeMessage('k', [Buffer.from('x')]), /delimiter/);
});
