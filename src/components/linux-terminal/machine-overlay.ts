// What covers the terminal when the machine is not running: "Machine stopped" after the guest
// powers off, or the fatal error (its sentence and code), each with a Restart button. Without it
// the reader faces a cursor that ignores every key.
import { html, nothing } from 'lit';

export interface MachineStop {
  title: string;
  /** The fatal error's sentence; none for a clean power-off. */
  message?: string;
  code?: string;
}

export function machineOverlay(stop: MachineStop | undefined, onRestart: () => void) {
  if (!stop) return nothing;
  return html`<div class="overlay" part="overlay" role="alert">
    <p class="overlay-title">${stop.title}</p>
    ${stop.message ? html`<p class="overlay-message">${stop.message}</p>` : nothing}
    ${stop.code ? html`<p class="overlay-code">Error code: <code>${stop.code}</code></p>` : nothing}
    <button class="restart" part="restart-button" @click=${onRestart}>Restart</button>
  </div>`;
}
