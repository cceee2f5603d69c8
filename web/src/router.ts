// A small history router under /ui/: every view has a path of its own, so a record's page is a
// permalink that can be shared and reloaded (memOS answers /ui/* paths with the page).
import { createContext, type ComponentChildren, h } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';

export interface Route {
  /** The path under /ui, e.g. `/n/default/memories/mem_1`. */
  path: string;
  /** The query string's parameters. */
  query: URLSearchParams;
}

function current(): Route {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/';
  return { path, query: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();
addEventListener('popstate', () => listeners.forEach((listener) => listener()));

/** Goes to `to` (a path under /ui, with its query), adding it to the history unless `replace`. */
export function navigate(to: string, replace = false): void {
  const url = `${BASE}${to}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((listener) => listener());
  if (!replace) scrollTo(0, 0);
}

/** The current route; re-renders on every navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const listener = () => setRoute(current());
    listeners.add(listener);
    // A navigation made before this subscribed (a child's effect runs first) is picked up now.
    listener();
    return () => void listeners.delete(listener);
  }, []);
  return route;
}

/** Matches `path` against a pattern like `/n/:ns/memories/:id`; the parameters are decoded. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(have[i]!);
    else if (part !== have[i]) return undefined;
  }
  return params;
}

/** A path under /ui from its parts, each encoded: `path('n', ns, 'memories', id)`. */
export function path(...parts: string[]): string {
  return `/${parts.map(encodeURIComponent).join('/')}`;
}

/** `to` with the query parameters that are set (empty strings and undefined are left out). */
export function withQuery(to: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const search = params.toString();
  return search === '' ? to : `${to}?${search}`;
}

/** A link within the UI: a real href (open in a new tab works), navigated in place on a plain click. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' | undefined; title?: string }) {
  const { href, children, ...rest } = props;
  return h(
    'a',
    {
      ...rest,
      href: `${BASE}${href}`,
      onClick: (event: MouseEvent) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      },
    },
    children,
  );
}

/** The namespace the views work in, from the path (`/n/:ns/…`). */
export const NamespaceContext = createContext<string | undefined>(undefined);
export function useNamespace(): string | undefined {
  return useContext(NamespaceContext);
}

/** The current path with the query changed: `undefined` removes a parameter. Filters that change send the list back to its first page. */
export function routeWith(route: Route, changes: Record<string, string | undefined>): string {
  const query: Record<string, string | undefined> = Object.fromEntries(route.query.entries());
  if (!('cursor' in changes)) delete query.cursor;
  return withQuery(route.path, { ...query, ...changes });
}

/** A number from the query, within bounds; `fallback` when absent or not a number. */
export function limitFrom(query: URLSearchParams, fallback = 50): number {
  const value = Number(query.get('limit'));
  return Number.isInteger(value) && value >= 1 && value <= 500 ? value : fallback;
}
