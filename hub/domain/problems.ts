/**
 * A request the hub refuses, in plain words: `title` says what went wrong, `detail` what to do.
 * Routes throw it; the app turns it into application/problem+json.
 */
export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: { path: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(title);
    this.name = 'HubError';
  }
}

export const notFound = (what: string) =>
  new HubError(
    404,
    `${what} not found`,
    `Check the link or refresh your list: it may have been removed, or you may not have access to it.`,
  );

export const forbidden = (what: string) =>
  new HubError(403, `You cannot ${what}`, 'Ask an Admin of your firm if you need to do this.');

export const conflict = (title: string, detail: string) => new HubError(409, title, detail);
export const badRequest = (title: string, detail: string) => new HubError(400, title, detail);
