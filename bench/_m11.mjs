import { Engine } from 'emberkv';
const e = new Engine({ backgroundUpkeep: false });
const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `key:${String(i).padStart(12, '0')}`);
const v = 'value:00000000000000000000000000';
for (let i = 0; i < 2e7; i++) e.set(keys[i % N], v);
