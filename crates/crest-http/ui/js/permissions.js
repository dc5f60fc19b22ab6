// The permissions' wire names with the names people know them by, and their CSP service roles.

export const PERMISSIONS = [
  ["user_management", "Accounts", "aoa:admin"],
  ["alerts_management", "Alerts", "aoa:alerts"],
  ["token_management", "API Tokens", null],
  ["application_management", "Applications", "aoa:applications"],
  ["batch_query_priority", "Batch Query Priority", "aoa:batchQueryPriority"],
  ["embedded_charts", "Chart Embedding", "aoa:chartEmbedding"],
  ["dashboard_management", "Dashboards", "aoa:dashboards"],
  ["derived_metrics_management", "Derived Metrics", "aoa:derivedMetrics"],
  ["ingestion", "Direct Data Ingestion", "aoa:directDataIngestion"],
  ["events_management", "Events", "aoa:events"],
  ["external_links_management", "External Links", "aoa:externalLinks"],
  ["monitored_application_service_management", "Integrations", "aoa:integrations"],
  ["log_management", "Logs", "aoa:logs"],
  ["metrics_management", "Metrics", "aoa:metrics"],
  ["agent_management", "Proxies", "aoa:proxies"],
  ["saml_sso_management", "SAML SSO", null],
  ["host_tag_management", "Source Tags", "aoa:sources"],
].map(([name, label, role]) => ({ name, label, role }));

/** "Accounts" for `user_management`; the wire name itself when unknown. */
export function label(name) {
  return PERMISSIONS.find((p) => p.name === name)?.label || name;
}

/** The CSP service roles that the holder of `permissions` may put on a token or an app. */
export function serviceRoles(permissions, superAdmin) {
  const roles = [{ name: "aoa:viewer", label: "Viewer" }];
  for (const p of PERMISSIONS) {
    if (p.role && permissions.includes(p.name)) roles.push({ name: p.role, label: p.label });
  }
  if (superAdmin) roles.push({ name: "aoa:superAdmin", label: "Super Admin" });
  return roles;
}
