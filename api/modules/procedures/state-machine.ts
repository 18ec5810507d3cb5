// The state machine is shared with the web and the seeds: api/shared/state-machine.ts.
export * from '../../shared/state-machine.ts';
