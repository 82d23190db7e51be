// htm bound to Preact: tagged templates instead of JSX, so the browser runs the source as is.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
