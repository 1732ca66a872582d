import { type Response, Router } from 'express';
import type { Logger } from '../../logging/logger';
import { clientScript } from './client-script';
import { SETTINGS_PAGE_HTML } from './page-html';
import { SETTINGS_PAGE_CSS } from './page-styles';

/**
 * The settings page: GET /settings, its stylesheet and script, and / sending a browser
 * there. The files are public and hold nothing secret; what the page shows comes from
 * the admin API, with the token the admin types into it.
 */
export function settingsPageRouter(deps: { logger: Logger }): Router {
  const r = Router();

  const secure = (res: Response) =>
    res.set({
      // Only this origin's own script, style and API: no inline code, nothing third-party.
      'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      // Revalidated every time, so a new version of the service never meets an old script.
      'Cache-Control': 'no-cache',
    });

  r.get('/', (_req, res) => res.redirect(302, '/settings'));
  r.get('/settings', (_req, res) => {
    secure(res).type('html').send(SETTINGS_PAGE_HTML);
  });
  r.get('/settings/assets/settings.css', (_req, res) => {
    secure(res).type('css').send(SETTINGS_PAGE_CSS);
  });
  r.get('/settings/assets/settings.js', async (_req, res) => {
    try {
      secure(res)
        .type('application/javascript')
        .send(await clientScript());
    } catch (err) {
      deps.logger.error({ err }, 'the settings page script could not be built');
      res
        .status(500)
        .type('text/plain')
        .send('the settings page script could not be built: see the service log');
    }
  });
  return r;
}
