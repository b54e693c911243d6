/**
 * The reference material beside the checkout (`../shared`): sample contracts and the signed-PDF corpus.
 * CI clones the repository somewhere with `shared/` beside it, so paths are relative to the checkout,
 * never absolute. `ESIGN_SHARED_DIR` overrides it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SHARED_DIR = process.env.ESIGN_SHARED_DIR || path.resolve('..', 'shared');
export const SAMPLES_DIR = process.env.ESIGN_SAMPLES_DIR || path.join(SHARED_DIR, 'samples');
export const CORPUS_DIR = process.env.ESIGN_CORPUS_DIR || path.join(SHARED_DIR, 'corpus');

export const samplePath = (name: string) => path.join(SAMPLES_DIR, name);
export const corpusPath = (name: string) => path.join(CORPUS_DIR, name);
export const sample = (name: string) => new Uint8Array(readFileSync(samplePath(name)));
