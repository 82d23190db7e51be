// A page module loaded on first use: main.js stays small, and the server's HTML shell preloads
// the module of the page the URL names, so the first page costs no extra round trip.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazy(load, name) {
  let loaded;
  let loading;
  return function LazyPage(props) {
    const [, setReady] = useState(Boolean(loaded));
    useEffect(() => {
      if (loaded) return undefined;
      let alive = true;
      loading ??= load().then((module) => (loaded = module[name]));
      void loading.then(() => alive && setReady(true));
      return () => (alive = false);
    }, []);
    return loaded ? h(loaded, props) : null;
  };
}
