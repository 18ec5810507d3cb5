// The code lists are shared with the web and the seeds: api/shared/code-lists.ts.
export * from '../../shared/code-lists.ts';
