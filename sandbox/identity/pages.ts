import { SCOPE_DESCRIPTIONS } from '../config.ts';

/** Every value put into HTML goes through here: contact and org names are hostile on purpose. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} | Xero sandbox</title>
<style>
body{font-family:system-ui,sans-serif;background:#f4f6f8;margin:0;padding:2rem}
main{max-width:28rem;margin:auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
label{display:block;margin:.75rem 0 .25rem}
input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem}
.error{color:#b00020}
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

/** Xero shows its own page (no redirect) for a bad client, redirect URI or scope. */
export function errorPage(error: string, description: string): string {
  return layout(
    'Error',
    `<h1>Sorry, something went wrong</h1>
<p class="error" role="alert">${escapeHtml(error)} : ${escapeHtml(description)}</p>`,
  );
}

export function loginPage(requestId: string, email: string, error?: string): string {
  return layout(
    'Log in',
    `<h1>Log in to Xero</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/identity/login">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>`,
  );
}

export interface ConsentOrganisation {
  tenantId: string;
  name: string;
}

export function consentPage(
  requestId: string,
  appName: string,
  scopes: readonly string[],
  organisations: readonly ConsentOrganisation[],
  error?: string,
): string {
  const scopeItems = scopes
    .map((scope) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? scope)}</li>`)
    .join('\n');
  const orgItems = organisations
    .map(
      (org, index) =>
        `<div><input type="checkbox" id="org-${index}" name="tenantId" value="${escapeHtml(org.tenantId)}"${organisations.length === 1 ? ' checked' : ''}>
<label for="org-${index}" style="display:inline">${escapeHtml(org.name)}</label></div>`,
    )
    .join('\n');
  return layout(
    'Allow access',
    `<h1>${escapeHtml(appName)} wants to access your Xero data</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p>${escapeHtml(appName)} will be able to:</p>
<ul>
${scopeItems}
</ul>
<form method="post" action="/identity/consent">
<input type="hidden" name="request" value="${escapeHtml(requestId)}">
<fieldset>
<legend>Select the organisations to connect</legend>
${orgItems}
</fieldset>
<button type="submit" name="action" value="allow">Allow access</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>`,
  );
}
