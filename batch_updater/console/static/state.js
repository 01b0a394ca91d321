// What the page holds, shared by its modules, and a small event bus between the steps: a step
// says what happened ("upload", "runs"...) and the others that care listen, so that a step is one
// module, added to the page by one line in main.js.

export const $ = (id) => document.getElementById(id);

export const state = {
  lang: "en",
  status: null,  // the server: its API, which credentials are set
  targets: [],  // what a column can be mapped to (the server's list)
  upload: null,  // the sheet in use
  uploading: 0,  // files on their way up: Run and Plan wait
  runs: [],  // every plan and run of this server, newest first
  watching: {},  // panel name -> the plan or run it shows
  tables: {},  // name -> PagedTable
  confirm: null,  // the server's confirmation of the run asked for
};

const listeners = {};

export function on(event, listener) {
  (listeners[event] = listeners[event] || []).push(listener);
}

export function emit(event, data) {
  for (const listener of listeners[event] || []) listener(data);
}

export function element(tag, props = {}, ...children) {
  // An element with its properties set (text only: every value from the server is put in as text).
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

let lastSaid = "";

export function announce(words) {
  // Said once by a screen reader (a polite live region): a run's progress, a state it reaches.
  if (words === lastSaid) return;
  lastSaid = words;
  document.getElementById("announce").textContent = words;
}
