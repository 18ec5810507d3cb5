// The workbench (工作台) on the web: its typed call and how an item and its entries are worded.
// The server decides what is on it (api/modules/workbench); this only words and links it.
import type { RouteLocationRaw } from 'vue-router';
import { api, call, type Ok } from '../../api.ts';

export type Workbench = Ok<Awaited<ReturnType<typeof api.workbench.$get>>>;
export type WorkbenchItem = Workbench['items'][number];
export type WorkbenchEntry = WorkbenchItem['entries'][number];
type Link = NonNullable<WorkbenchItem['link']>;

export const fetchWorkbench = (): Promise<Workbench> => call(api.workbench.$get());

/** The item's or entry's route (vue-router takes name, params and query as the server sends them). */
export const routeOf = (link: Link | null): RouteLocationRaw | null => (link ? { name: link.name, params: link.params ?? {}, query: link.query ?? {} } : null);

/** A count as shown: "1000+" where the server stopped counting. */
export const countText = (item: Pick<WorkbenchItem, 'count' | 'capped'>) => `${item.count.toLocaleString()}${item.capped ? '+' : ''}`;
