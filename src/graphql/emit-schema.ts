import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printAppSchema } from './schema';

// `npm run schema`: writes schema/schema.graphql from the code (a test fails on drift).
const target = resolve(__dirname, '../../../schema/schema.graphql');
writeFileSync(target, printAppSchema());
console.log(`wrote ${target}`);
