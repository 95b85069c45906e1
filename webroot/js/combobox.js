/*
 * A combobox after the WAI-ARIA pattern, for a choice too long for a <select>: an input with a listbox popup whose
 * active option aria-activedescendant names, so that focus stays in the input while the arrows move through the list.
 * Only the options its search hands back are drawn, so the search decides how many nodes the list ever holds.
 */
import {$, clone} from './dom.js';

/**
 * Binds the combobox of input #{@code id}, popup #{@code id}-popup, listbox #{@code id}-list and note #{@code id}-note.
 * {@code search(query)} gives what to offer for the text typed ('' before anything is): {groups: [{label, items}],
 * note}, a group without a label being options with no heading; {@code pick(item)} takes the choice and
 * {@code current()} is the item chosen, which the input shows while the list is closed. Returns the function that
 * shows a new current item.
 */
export function bindCombobox(id, {search, pick, current}) {
  const input = $(id);
  const popup = $(id + '-popup');
  const list = $(id + '-list');
  const note = $(id + '-note');
  let options = [];
  let active = -1;
  // Until the user types, the input holds the current item and the list offers everything, not the items matching it.
  let edited = false;

  const isOpen = () => !popup.hidden;

  function activate(i) {
    options[active]?.setAttribute('aria-selected', 'false');
    active = i;
    const option = options[i];
    if (option) {
      option.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', option.id);
      option.scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function option(item) {
    const el = clone('combo-option').firstElementChild;
    el.id = id + '-option-' + item;
    el.dataset.value = item;
    el.textContent = item;
    el.classList.toggle('current', item === current());
    options.push(el);
    return el;
  }

  function draw() {
    const query = edited ? input.value.trim() : '';
    const offered = search(query);
    options = [];
    active = -1;
    list.replaceChildren(...offered.groups.filter((g) => g.items.length).flatMap((g) => {
      if (!g.label) {
        return g.items.map(option);
      }
      const group = clone('combo-group').firstElementChild;
      group.setAttribute('aria-label', g.label);
      group.querySelector('.combo-heading').textContent = g.label;
      group.append(...g.items.map(option));
      return [group];
    }));
    note.textContent = offered.note;
    // Typed text makes its best match the one Enter takes, as the list shows it.
    activate(query && options.length ? 0 : -1);
  }

  function open() {
    draw();
    popup.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  /** Closes the list; text that chose nothing gives way to the current item. */
  function close() {
    popup.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    activate(-1);
    edited = false;
    input.value = current() ?? '';
  }

  function choose(item) {
    pick(item);
    close();
  }

  function move(step) {
    if (!isOpen()) {
      open();
    }
    if (options.length) {
      const from = active < 0 ? (step > 0 ? -1 : options.length) : active;
      activate(Math.min(options.length - 1, Math.max(0, from + step)));
    }
  }

  input.addEventListener('input', () => {
    edited = true;
    open();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && e.altKey) {
      e.preventDefault();
      open();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      move(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter' && isOpen()) {
      e.preventDefault();
      if (active >= 0) {
        choose(options[active].dataset.value);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  // Selected text is replaced by the first key typed: a new search starts without clearing the box.
  input.addEventListener('focus', () => input.select());
  input.addEventListener('click', () => {
    if (!edited) {
      input.select();
    }
    if (!isOpen()) {
      open();
    }
  });
  input.addEventListener('blur', () => {
    if (isOpen()) {
      close();
    }
  });
  // A press on the popup would take the focus from the input, and its blur close the list before the click lands.
  popup.addEventListener('mousedown', (e) => e.preventDefault());
  list.addEventListener('click', (e) => {
    const el = e.target.closest('[role="option"]');
    if (el) {
      choose(el.dataset.value);
    }
  });

  return () => {
    if (isOpen()) {
      draw();
    } else {
      input.value = current() ?? '';
    }
  };
}
