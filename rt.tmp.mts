import { decodeSpeech } from './host/lipsync/decodeSpeech.ts';
import { recogniseMouthCues } from './host/lipsync/recogniser.ts';
import { scoreLipSync } from './tests/fixtures/speech/score.ts';
import { speak } from './tests/fixtures/speech/speech.ts';

const s = await speak('The quick brown fox jumps over the lazy dog. Then it sleeps.', {});
console.log(s.truth.map((t) => `${t.startSec.toFixed(2)}${t.shape}${t.phone}`).join(' '));
const pcm = await decodeSpeech(s.wavPath);
for (const text of ['', s.text]) {
  const t0 = performance.now();
  const cues = await recogniseMouthCues(pcm, { text });
  const at = (t: number) => cues.find((c) => c.startSec <= t && t < c.endSec)?.shape ?? 'X';
  console.log(
    ((performance.now() - t0) / 1000 / s.durationSec).toFixed(2),
    scoreLipSync(at, s.truth, s.durationSec),
  );
  console.log(cues.map((c) => `${c.startSec.toFixed(2)}${c.shape}`).join(' '));
}
