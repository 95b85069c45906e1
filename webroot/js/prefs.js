/*
 * Choices kept in localStorage. A browser may refuse storage (privacy settings, a full quota): the choice then lasts
 * as long as the page.
 */

export function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function save(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Kept for this page only.
  }
}

/** A <select> starts on its stored choice while it still offers it, and keeps every new one. */
export function remembered(select, key) {
  const stored = load(key);
  if (Array.from(select.options).some((o) => o.value === stored)) {
    select.value = stored;
  }
  select.addEventListener('change', () => save(key, select.value));
}
