// The one place the UI binds htm to Preact: every page imports `html`, hooks and signals from here,
// so an upgrade of the vendored libraries (scripts/vendor-ui.sh) touches only this file.
import { h, render, Fragment } from '../vendor/preact-11.2.0.mjs';
import htm from '../vendor/htm-3.1.1.mjs';

export { h, render, Fragment };
export * from '../vendor/preact-hooks-11.2.0.mjs';
export { signal, computed, effect, batch, useSignal, useComputed, useSignalEffect } from '../vendor/signals-2.11.4.mjs';
export const html = htm.bind(h);
