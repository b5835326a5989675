// The screenshot check's PNG decoder against Pillow (Debian's python3-pil) as the independent
// encoder and reference: random pixels (so Pillow's adaptive filtering uses several filter types),
// RGB, RGBA and grayscale, compared pixel by pixel with the values Pillow reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { colouredPixels, readPng } from '../../tools/notebooks/read-png.ts';

const PY = '/usr/bin/python3';
const hasPil = existsSync(PY) && spawnSync(PY, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;

test('readPng decodes what Pillow encodes (RGB, RGBA, L), pixel for pixel', { skip: hasPil ? false : 'needs /usr/bin/python3 with PIL (python3-pil)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-png-'));
  try {
    const script = `
import random, sys, json
from PIL import Image
random.seed(7)
out = {}
for mode, w, h in [('RGB', 37, 23), ('RGBA', 19, 31), ('L', 41, 9)]:
    img = Image.new(mode, (w, h))
    n = len(mode)
    # half noise, half smooth gradients: Pillow picks different filters for different rows
    px = [tuple(random.randrange(256) for _ in range(n)) if (y % 2) else tuple(((x * 7 + y * 3 + c * 50) % 256) for c in range(n)) for y in range(h) for x in range(w)]
    img.putdata([p if n > 1 else p[0] for p in px])
    img.save(sys.argv[1] + '/' + mode + '.png', optimize=True)
    out[mode] = [list(p) for p in img.convert('RGBA').getdata()]
print(json.dumps(out))`;
    const r = spawnSync(PY, ['-c', script, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as Record<string, number[][]>;
    for (const mode of ['RGB', 'RGBA', 'L']) {
      const img = readPng(readFileSync(join(dir, `${mode}.png`)), mode);
      assert.equal(img.width * img.height, ref[mode]!.length);
      assert.deepEqual(Array.from(img.rgba), ref[mode]!.flat(), `${mode} pixels`);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('colouredPixels counts saturated pixels only; bad files are refused', () => {
  const rgba = new Uint8Array(4 * 4 * 4).fill(255);        // 4x4 white
  rgba.set([31, 119, 180, 255], (1 * 4 + 2) * 4);             // plotly blue at (2,1)
  rgba.set([40, 40, 40, 255], (3 * 4 + 3) * 4);               // dark gray text at (3,3)
  const img = { width: 4, height: 4, rgba };
  assert.equal(colouredPixels(img, { x: 0, y: 0, width: 4, height: 4 }), 1);
  assert.equal(colouredPixels(img, { x: 0, y: 2, width: 4, height: 2 }), 0);
  assert.throws(() => readPng(Buffer.from('GIF89a....'), 'x.gif'), /x\.gif: not a PNG/);
});
