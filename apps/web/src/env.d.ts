// The web client runs in a browser: the repository's root type-check (Node libs only) needs the DOM for these files.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

declare module '*.css';
