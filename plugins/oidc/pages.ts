/**
 * The login service's pages: plain HTML forms, labelled, no script, readable without styles.
 * Every value written into them goes through `escape`.
 */

/**
 * Headers of every login-service page: no framing (clickjacking of the login and consent
 * buttons), nothing loaded but the inline style, no caching. No form-action: a consent form's
 * answer redirects to the client, an upstream button's to the upstream, on any origin.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(title)} – Meridian</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}
.error{border:2px solid #b00020;padding:.5rem 1rem;color:#b00020}
.upstreams{margin-top:2rem;border-top:1px solid #ccc}
:focus{outline:3px solid #1a5fb4;outline-offset:2px}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface UpstreamButton {
  id: string;
  name: string;
}

export interface LoginPage {
  action: string;
  upstreamAction: (id: string) => string;
  csrf: string;
  clientName: string;
  username?: string;
  error?: string;
  upstreams: UpstreamButton[];
  abortAction: string;
}

export function loginPage(p: LoginPage): string {
  const error = p.error ? `<p class="error" role="alert" id="login-error">${escape(p.error)}</p>\n` : '';
  const upstreams = p.upstreams.length
    ? `<section class="upstreams" aria-labelledby="upstreams-title">
<h2 id="upstreams-title">Or log in with another account</h2>
${p.upstreams
  .map(
    (u) => `<form method="post" action="${escape(p.upstreamAction(u.id))}">
<input type="hidden" name="csrf" value="${escape(p.csrf)}">
<button type="submit">Log in with ${escape(u.name)}</button>
</form>`,
  )
  .join('\n')}
</section>\n`
    : '';
  return layout(
    'Log in',
    `<h1>Log in</h1>
<p>to continue to <strong>${escape(p.clientName)}</strong></p>
${error}<form method="post" action="${escape(p.action)}"${p.error ? ' aria-describedby="login-error"' : ''}>
<input type="hidden" name="csrf" value="${escape(p.csrf)}">
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escape(p.username ?? '')}"${p.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${p.username ? ' autofocus' : ''}>
<button type="submit">Log in</button>
</form>
${upstreams}<form method="post" action="${escape(p.abortAction)}">
<input type="hidden" name="csrf" value="${escape(p.csrf)}">
<button type="submit">Cancel</button>
</form>`,
  );
}

export interface ConsentPage {
  action: string;
  csrf: string;
  clientName: string;
  account: string;
  scopes: string[];
  claims: string[];
  resources: string[];
}

export function consentPage(p: ConsentPage): string {
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>`;
  return layout(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${escape(p.clientName)}</strong> asks to act as <strong>${escape(p.account)}</strong>.</p>
${p.scopes.length ? `<h2>Scopes</h2>${list(p.scopes)}` : ''}
${p.claims.length ? `<h2>Information about you</h2>${list(p.claims)}` : ''}
${p.resources.length ? `<h2>Services</h2>${list(p.resources)}` : ''}
<form method="post" action="${escape(p.action)}">
<input type="hidden" name="csrf" value="${escape(p.csrf)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escape(title)}</h1>\n<p class="error" role="alert">${escape(message)}</p>`);
}

/** oidc-provider's logout confirmation: its form (with its own CSRF field) and the two choices. */
export function logoutPage(form: string): string {
  return layout(
    'Log out',
    `<h1>Log out</h1>
<p>Do you want to log out of Meridian?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Log out</button>
<button type="submit" form="op.logoutForm">Stay logged in</button>`,
  );
}

export function loggedOutPage(clientName?: string): string {
  return layout('Logged out', `<h1>Logged out</h1>\n<p>You are logged out${clientName ? ` of ${escape(clientName)}` : ''}.</p>`);
}
