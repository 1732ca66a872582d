/**
 * The settings page's HTML: the fixed structure every state fills in. Kept as a string in
 * a TypeScript module so that `npm run build` carries it into dist/ (tsc copies nothing
 * else). It holds no data and no secret: everything comes from the admin API once the
 * admin has given the token.
 */
export const SETTINGS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Smart Sync settings</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ctext y='14' font-size='14'%3E%E2%9A%A1%3C/text%3E%3C/svg%3E">
<link rel="stylesheet" href="/settings/assets/settings.css">
<script src="/settings/assets/settings.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="app-header">
  <p class="brand"><span class="brand-mark" aria-hidden="true">⚡</span> Smart Sync <span class="brand-sub">Oneflow → SuperOffice</span></p>
  <button type="button" id="sign-out" class="button-quiet" hidden>Forget admin token</button>
</header>
<main id="main" tabindex="-1">
  <noscript><p class="banner banner-error">This page needs JavaScript. The same settings are available through the admin API: see the README.</p></noscript>
  <div id="status" class="toast" role="status" aria-live="polite"></div>
  <div id="global-error" class="banner banner-error" role="alert" hidden></div>

  <section id="token-screen" class="card narrow" aria-labelledby="token-title" hidden>
    <h1 id="token-title">Smart Sync settings</h1>
    <form id="token-form" novalidate>
      <div class="field">
        <label for="token-input">Admin token</label>
        <p id="token-help" class="help">The value of <code>SMART_SYNC_ADMIN_TOKEN</code>. The demo (<code>npm start</code> with no services configured) uses <code>demo-admin-token</code> unless you set one.</p>
        <input id="token-input" name="token" type="password" autocomplete="current-password" spellcheck="false" required aria-describedby="token-help token-error">
        <p id="token-error" class="field-error" aria-live="assertive"></p>
      </div>
      <div class="field checkbox-field">
        <input id="token-remember" type="checkbox">
        <label for="token-remember">Remember on this device</label>
      </div>
      <button type="submit" class="button-primary">Continue</button>
    </form>
  </section>

  <section id="app" aria-labelledby="app-title" hidden>
    <h1 id="app-title" class="visually-hidden">Smart Sync settings</h1>
    <div class="tabs" role="tablist" aria-label="Smart Sync settings">
      <button type="button" role="tab" id="tab-smart-sync" aria-controls="panel-smart-sync" aria-selected="true">Smart sync</button>
      <button type="button" role="tab" id="tab-mappings" aria-controls="panel-mappings" aria-selected="false" tabindex="-1">Mapping SuperOffice properties</button>
      <button type="button" role="tab" id="tab-runs" aria-controls="panel-runs" aria-selected="false" tabindex="-1">Runs</button>
      <button type="button" role="tab" id="tab-connection" aria-controls="panel-connection" aria-selected="false" tabindex="-1">Connection</button>
    </div>

    <section role="tabpanel" id="panel-smart-sync" aria-labelledby="tab-smart-sync" tabindex="0" class="panel">
      <h2>Smart sync</h2>
      <p class="lead">When a contract has been signed by all parties, Smart Sync writes it back to SuperOffice. Choose what it writes.</p>
      <div id="config-state" class="panel-state" aria-live="polite"></div>
      <div id="toggles" class="switches" hidden>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-dataFields" aria-describedby="toggle-dataFields-help">
          <div>
            <label for="toggle-dataFields">Data fields</label>
            <p id="toggle-dataFields-help" class="help">Contract data fields and participant details → properties of the Sale, its Company and the Contacts who signed, as mapped on the <a href="#mappings" data-tab-link="mappings">Mapping SuperOffice properties</a> tab.</p>
          </div>
        </div>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-products" aria-describedby="toggle-products-help">
          <div>
            <label for="toggle-products">Products</label>
            <p id="toggle-products-help" class="help">The contract's product table → the Sale's products: quantity, unit price and discount of the matching quote lines.</p>
          </div>
        </div>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-markSaleSold" aria-describedby="toggle-markSaleSold-help">
          <div>
            <label for="toggle-markSaleSold">Mark the Sale sold</label>
            <p id="toggle-markSaleSold-help" class="help">A signed contract sets its Sale's status to Sold and its sale date to the day of signing (a mapped Sale date wins), except for a Sale that is Lost.</p>
          </div>
        </div>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-attachSignedPdf" aria-describedby="toggle-attachSignedPdf-help">
          <div>
            <label for="toggle-attachSignedPdf">File the signed PDF</label>
            <p id="toggle-attachSignedPdf-help" class="help">The signed contract's PDF is filed in SuperOffice as a document on the Sale, its Company and the first matched Contact, named after the contract.</p>
            <p class="field-row"><label for="signedPdf-documentType">Document type</label>
              <select id="signedPdf-documentType" aria-describedby="signedPdf-documentType-state"></select>
              <span id="signedPdf-documentType-state" class="help" aria-live="polite"></span></p>
          </div>
        </div>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-addProducts" aria-describedby="toggle-addProducts-help">
          <div>
            <label for="toggle-addProducts">Add new quote lines</label>
            <p id="toggle-addProducts-help" class="help">A product in the contract that the Sale's quote lacks becomes a new quote line, from the SuperOffice product catalog by its ERP product key, else as a free-text line.</p>
          </div>
        </div>
        <div class="switch-row">
          <input type="checkbox" role="switch" id="toggle-removeProducts" aria-describedby="toggle-removeProducts-help">
          <div>
            <label for="toggle-removeProducts">Remove dropped quote lines</label>
            <p id="toggle-removeProducts-help" class="help">A quote line whose product is no longer in the contract is deleted from the Sale's quote.</p>
          </div>
        </div>
      </div>

      <section class="subsection" aria-labelledby="document-title">
        <h3 id="document-title">Mapping document</h3>
        <p class="help">All of these settings as one JSON document, the format of <code>SMART_SYNC_CONFIG</code> and of <code>PUT /api/config</code>.</p>
        <div class="button-row">
          <button type="button" id="export-document">Export JSON</button>
          <button type="button" id="import-button">Import JSON…</button>
          <input type="file" id="import-document" accept="application/json,.json" hidden>
        </div>
        <div id="import-errors" class="form-errors" role="alert" hidden></div>
      </section>
    </section>

    <section role="tabpanel" id="panel-mappings" aria-labelledby="tab-mappings" tabindex="0" class="panel" hidden>
      <h2>Mapping SuperOffice properties</h2>
      <p class="lead">Each row writes one value of the signed contract into one SuperOffice property. <span aria-hidden="true">⚡</span> marks smart-sync-ready properties; Smart Sync never writes the others, even when they are mapped.</p>
      <div id="catalog-state" class="banner banner-warning" role="status" hidden></div>
      <div id="mappings-state" class="panel-state" aria-live="polite"></div>
      <div class="toolbar">
        <button type="button" id="add-mapping" class="button-primary">Add mapping</button>
      </div>
      <div class="table-wrap">
        <table id="mappings-table" hidden>
          <caption class="visually-hidden">Mappings of contract values to SuperOffice properties</caption>
          <thead>
            <tr>
              <th scope="col">SuperOffice object</th>
              <th scope="col">SuperOffice property</th>
              <th scope="col">Oneflow data field or participant attribute</th>
              <th scope="col">Participant number</th>
              <th scope="col">Smart sync</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody id="mappings-body"></tbody>
        </table>
      </div>
      <div id="mappings-empty" class="empty-state" hidden>
        <p><strong>No mappings yet.</strong> Without mappings Smart Sync has no data fields to write; a signed contract's run says “nothing to sync”.</p>
        <button type="button" id="add-first-mapping">Add the first mapping</button>
      </div>

      <section class="subsection" aria-labelledby="links-title">
        <h3 id="links-title">Links to SuperOffice</h3>
        <p class="help">The contract data fields (by <code>custom_id</code>) that hold the ids of the SuperOffice records the contract was created from.</p>
        <form id="links-form" class="inline-fields" novalidate>
          <div class="field">
            <label for="links-sale">Sale id data field</label>
            <input id="links-sale" required spellcheck="false" autocomplete="off">
          </div>
          <div class="field">
            <label for="links-company">Company id data field <span class="optional">(optional)</span></label>
            <input id="links-company" spellcheck="false" autocomplete="off" aria-describedby="links-company-help">
          </div>
          <button type="submit">Save links</button>
        </form>
        <p id="links-company-help" class="help">Without a Company id data field, Smart Sync updates the Sale's own Company.</p>
        <div id="links-errors" class="form-errors" role="alert" hidden></div>
      </section>
    </section>

    <section role="tabpanel" id="panel-runs" aria-labelledby="tab-runs" tabindex="0" class="panel" hidden>
      <h2>Runs</h2>
      <p class="lead">The latest syncs, newest first. Each is a Temporal workflow: open it in the Temporal Web UI for its whole history.</p>
      <div class="toolbar">
        <form id="sync-form" class="inline-fields" novalidate>
          <div class="field">
            <label for="sync-contract">Oneflow contract id</label>
            <input id="sync-contract" inputmode="numeric" autocomplete="off" aria-describedby="sync-error">
          </div>
          <button type="submit">Sync now</button>
          <button type="button" id="sync-preview">Preview</button>
          <p id="sync-error" class="field-error" aria-live="assertive"></p>
        </form>
        <button type="button" id="runs-refresh">Refresh</button>
      </div>
      <section id="preview-panel" class="preview-panel" aria-label="Preview" hidden></section>
      <div id="runs-state" class="panel-state" aria-live="polite"></div>
      <div class="table-wrap">
        <table id="runs-table" hidden>
          <caption class="visually-hidden">Recent Smart Sync runs</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Contract</th>
              <th scope="col">Trigger</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody id="runs-body"></tbody>
        </table>
      </div>
      <div id="runs-empty" class="empty-state" hidden>
        <p><strong>No runs yet.</strong> A run starts when a contract is signed by all parties (Oneflow sends the webhook), or when you sync a contract by its id above.</p>
      </div>

      <section id="backfill" class="backfill" aria-labelledby="backfill-title">
        <h3 id="backfill-title">Backfill</h3>
        <p class="help">Sync the contracts signed in a period, e.g. before Smart Sync was turned on. A signing that already has a sync is skipped; live webhooks keep going first. A dry run only lists what would be synced.</p>
        <form id="backfill-form" class="inline-fields" novalidate>
          <div class="field">
            <label for="backfill-since">Signed since</label>
            <input id="backfill-since" type="date" required aria-describedby="backfill-error">
          </div>
          <div class="field">
            <label for="backfill-until">Signed before (empty: now)</label>
            <input id="backfill-until" type="date" aria-describedby="backfill-error">
          </div>
          <div class="field">
            <label><input id="backfill-dry-run" type="checkbox"> Dry run</label>
          </div>
          <button type="submit" id="backfill-start">Start backfill</button>
          <p id="backfill-error" class="field-error" aria-live="assertive"></p>
        </form>
        <div id="backfill-status" hidden>
          <p id="backfill-summary" aria-live="polite"></p>
          <progress id="backfill-progress" max="100" value="0" aria-labelledby="backfill-summary"></progress>
          <p id="backfill-counts"></p>
          <ul id="backfill-list" hidden></ul>
          <div class="button-row">
            <button type="button" id="backfill-cancel" class="button-danger" hidden>Cancel backfill</button>
            <a id="backfill-link" target="_blank" rel="noopener">Open in Temporal</a>
          </div>
        </div>
      </section>
    </section>

    <section role="tabpanel" id="panel-connection" aria-labelledby="tab-connection" tabindex="0" class="panel" hidden>
      <h2>Connection</h2>
      <p class="lead">How Smart Sync reaches SuperOffice and Oneflow, and whether each works right now: every check is a live call.</p>
      <div id="connection-state" class="panel-state" aria-live="polite"></div>
      <div id="connection-cards" hidden>
        <section class="connection-card" aria-labelledby="connection-superoffice-title">
          <h3 id="connection-superoffice-title">SuperOffice <span id="connection-superoffice-status"></span></h3>
          <p id="connection-superoffice-hint" class="help" hidden>Not connected yet. Connect sends you to SuperOffice to sign in as an administrator of the tenant and allow Smart Sync; you then come back here.</p>
          <dl id="connection-superoffice-facts" class="connection-facts"></dl>
          <div class="button-row">
            <button type="button" id="connect-superoffice" class="button-primary" hidden>Connect SuperOffice</button>
            <button type="button" id="disconnect-superoffice" class="button-danger" hidden>Disconnect SuperOffice</button>
          </div>
        </section>
        <section class="connection-card" aria-labelledby="connection-oneflow-title">
          <h3 id="connection-oneflow-title">Oneflow <span id="connection-oneflow-status"></span></h3>
          <dl id="connection-oneflow-facts" class="connection-facts"></dl>
        </section>
        <div class="button-row">
          <button type="button" id="connection-refresh">Check again</button>
        </div>
      </div>
    </section>
  </section>
</main>

<dialog id="mapping-dialog" aria-labelledby="mapping-dialog-title">
  <form id="mapping-form" novalidate>
    <h2 id="mapping-dialog-title">Add mapping</h2>
    <div class="field">
      <label for="f-object">SuperOffice object</label>
      <select id="f-object" name="object" aria-describedby="f-object-help f-object-error">
        <option value="Sale">Sale</option>
        <option value="Company">Company</option>
        <option value="Contact">Contact</option>
      </select>
      <p id="f-object-help" class="help"></p>
      <p id="f-object-error" class="field-error"></p>
    </div>
    <div class="field">
      <label for="f-property">SuperOffice property</label>
      <select id="f-property" name="property" aria-describedby="f-property-warning f-property-error"></select>
      <input id="f-property-text" name="property-text" spellcheck="false" autocomplete="off" placeholder="Number, SuperOffice:2, x_invoice_email" aria-describedby="f-property-warning f-property-error" hidden>
      <p id="f-property-warning" class="field-warning" aria-live="polite" hidden></p>
      <p id="f-property-error" class="field-error"></p>
    </div>
    <div class="field" id="f-participant-field">
      <label for="f-participant">Participant number</label>
      <input id="f-participant" name="participant" type="number" min="1" step="1" inputmode="numeric" aria-describedby="f-participant-help f-participant-error">
      <p id="f-participant-help" class="help">1 is the first participant of the counterparty, in the contract's order.</p>
      <p id="f-participant-error" class="field-error"></p>
    </div>
    <fieldset class="field" id="f-source">
      <legend>Value from</legend>
      <div class="radio-field"><input type="radio" id="f-source-dataField" name="sourceKind" value="dataField"><label for="f-source-dataField">A Oneflow data field</label></div>
      <div class="radio-field"><input type="radio" id="f-source-participantField" name="sourceKind" value="participantField"><label for="f-source-participantField">An attribute of the participant</label></div>
    </fieldset>
    <div class="field" id="f-dataField-field">
      <label for="f-dataField">Oneflow data field (custom_id)</label>
      <input id="f-dataField" name="dataField" spellcheck="false" autocomplete="off" list="known-data-fields" aria-describedby="f-dataField-error">
      <datalist id="known-data-fields"></datalist>
      <p id="f-dataField-error" class="field-error"></p>
    </div>
    <div class="field" id="f-participantField-field">
      <label for="f-participantField">Participant attribute</label>
      <select id="f-participantField" name="participantField" aria-describedby="f-participantField-error"></select>
      <p id="f-participantField-error" class="field-error"></p>
    </div>
    <div id="mapping-form-errors" class="form-errors" role="alert" hidden></div>
    <div class="dialog-actions">
      <button type="button" id="mapping-cancel">Cancel</button>
      <button type="submit" class="button-primary" id="mapping-save">Save mapping</button>
    </div>
  </form>
</dialog>
</body>
</html>
`;
