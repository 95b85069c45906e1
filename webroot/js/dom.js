/* Helpers for the page's elements. */

export const $ = (id) => document.getElementById(id);

/** A copy of the content of <template id="{@code id}">. */
export function clone(id) {
  return $(id).content.cloneNode(true);
}
