#!/usr/bin/env node
// The `dripline` operator CLI (npx dripline …): loads api/cli.ts through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
