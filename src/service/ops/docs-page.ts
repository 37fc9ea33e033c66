// Renders the OpenAPI document as one self-contained HTML page: no scripts, so the strict
// Content-Security-Policy holds on /docs too.

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }> }
  >;
}

interface OpenApiLike {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const parts: string[] = [];
  const auth = op.security && op.security.length > 0 ? 'bearer token or API key' : 'none';
  parts.push(`<h3><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h3>`);
  if (op.summary) parts.push(`<p>${escapeHtml(op.summary)}</p>`);
  if (op.description) parts.push(`<p>${escapeHtml(op.description)}</p>`);
  parts.push(`<p><strong>Authentication:</strong> ${auth}</p>`);
  if (op.parameters && op.parameters.length > 0) {
    const rows = op.parameters
      .map(
        (p) =>
          `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaBlock(p.schema)}</td></tr>`,
      )
      .join('');
    parts.push(
      `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`,
    );
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) parts.push(`<h4>Request body (application/json)</h4>${schemaBlock(body)}`);
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const content = Object.values(response.content ?? {})[0]?.schema;
    parts.push(
      `<h4>${escapeHtml(status)} ${escapeHtml(response.description ?? '')}</h4>${content ? schemaBlock(content) : ''}`,
    );
  }
  return `<section>${parts.join('\n')}</section>`;
}

export function renderDocsPage(document: unknown): string {
  const doc = document as OpenApiLike;
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) sections.push(renderOperation(method, path, op));
    }
  }
  const title = escapeHtml(doc.info?.title ?? 'API');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
section{border-top:1px solid #ccc;padding:.5rem 0}pre{background:#f5f5f5;padding:.5rem;overflow:auto;font-size:.8rem}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem;vertical-align:top}</style></head>
<body><h1>${title} ${escapeHtml(doc.info?.version ?? '')}</h1>
<p>${escapeHtml(doc.info?.description ?? '')}</p>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}
</body></html>`;
}
