import { Engine } from 'emberkv';
const e = new Engine({ backgroundUpkeep: false });
e.set('key:000000001234', 'value:00000000000000000000000000');
let acc = 0;
for (let i = 0; i < 3e7; i++) acc += e.get('key:000000001234').length;
console.log(acc);
