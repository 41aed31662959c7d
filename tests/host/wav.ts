/**
 * A mono 16-bit PCM WAV of `count` samples at `sampleRateHz`; `sampleAt(i)` gives sample i as a
 * signed 16-bit integer. Tests generate their sound so what they assert (a tone, a click's time)
 * is known exactly.
 */
export function monoWav16(sampleRateHz: number, count: number, sampleAt: (i: number) => number): Buffer {
  const data = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) data.writeInt16LE(sampleAt(i), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRateHz, 24);
  header.writeUInt32LE(sampleRateHz * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
