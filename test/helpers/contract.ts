import { join } from 'node:path';

/**
 * The repository's copy of the service contract (`contract/`: schema, canonical operations,
 * additions, check-schema.mjs, README). Tests read this copy, so a clone of the project alone
 * runs them; test/unit/contract-copy.test.ts holds it equal to `../shared/contract` when that
 * folder is there.
 */
export const CONTRACT_DIR = join(__dirname, '../../contract');

/** The contract as every developer and CI have it beside the project (absent in a clone alone). */
export const SHARED_CONTRACT_DIR = join(__dirname, '../../../shared/contract');
