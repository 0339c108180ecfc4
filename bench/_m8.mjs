import { Engine } from 'emberkv';
import { LRUCache } from 'lru-cache';
const e = new Engine({ backgroundUpkeep: false });
const N = 100000;
const cons = Array.from({ length: N }, (_, i) => `key:${String(i).padStart(12, '0')}`);
const flat = cons.map((k) => Buffer.from(k, 'latin1').toString('latin1'));
for (const k of cons) e.set(k, 'value:00000000000000000000000000');
const lru = new LRUCache({ max: 200000 });
for (const k of cons) lru.set(k, 'value:00000000000000000000000000');
function t(name, f) { f(); f(); let best = 1e9; for (let r = 0; r < 5; r++) { const st = process.hrtime.bigint(); f(); best = Math.min(best, Number(process.hrtime.bigint() - st) / 1e6); } console.log(name, best.toFixed(1), 'ns'); }
let j = 0, acc = 0;
t('ember cons', () => { for (let i = 0; i < 1e6; i++) { j += 7919; if (j >= N) j -= N; acc += e.get(cons[j]).length; } });
t('ember flat', () => { for (let i = 0; i < 1e6; i++) { j += 7919; if (j >= N) j -= N; acc += e.get(flat[j]).length; } });
t('lru cons', () => { for (let i = 0; i < 1e6; i++) { j += 7919; if (j >= N) j -= N; acc += lru.get(cons[j]).length; } });
t('lru flat', () => { for (let i = 0; i < 1e6; i++) { j += 7919; if (j >= N) j -= N; acc += lru.get(flat[j]).length; } });
t('ember seq', () => { for (let i = 0; i < 1e6; i++) { j += 1; if (j >= N) j -= N; acc += e.get(flat[j]).length; } });
t('ember same', () => { for (let i = 0; i < 1e6; i++) { acc += e.get(flat[5]).length; } });
console.log(acc > 0);
