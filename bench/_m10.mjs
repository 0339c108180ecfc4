import { createRequire } from 'node:module';
import { Engine } from 'emberkv';
const require = createRequire(import.meta.url);
const { addon, commandId } = require('../dist/native.js');
const s = addon.createStore();
const GET = commandId('get');
s.exec('set', 'k', 'value:00000000000000000000000000');
const e = new Engine({ backgroundUpkeep: false });
e.set('k', 'value:00000000000000000000000000');
const exec = s.exec;
function t(name, f) { f(); f(); let best = 1e9; for (let r = 0; r < 7; r++) { const st = process.hrtime.bigint(); f(); best = Math.min(best, Number(process.hrtime.bigint() - st) / 1e6); } console.log(name, best.toFixed(1), 'ns'); }
let acc = 0;
t('raw s.exec', () => { for (let i = 0; i < 1e6; i++) acc += s.exec(GET, 'k').length; });
t('raw exec fn', () => { for (let i = 0; i < 1e6; i++) acc += exec(GET, 'k').length; });
t('engine.get', () => { for (let i = 0; i < 1e6; i++) acc += e.get('k').length; });
t('memoryUsed', () => { for (let i = 0; i < 1e6; i++) acc += s.memoryUsed(); });
