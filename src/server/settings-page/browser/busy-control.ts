/// <reference lib="dom" />

/**
 * Marks a control busy without `disabled`, which would take the keyboard focus away from
 * it; clicks while busy are ignored.
 */
export async function whileBusy(control: HTMLElement, work: () => Promise<void>): Promise<void> {
  if (control.getAttribute('aria-disabled') === 'true') return;
  control.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    control.removeAttribute('aria-disabled');
  }
}
