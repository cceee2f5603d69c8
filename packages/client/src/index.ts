// @memos/client: a typed client for the memOS HTTP API (packages/client/README.md).
export const CLIENT_PACKAGE = '@memos/client';
