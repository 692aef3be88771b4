/** Job kinds that process recorded webhook deliveries. */
export const PAGERDUTY_DELIVERY_JOB = "delivery.pagerduty";
export const DATADOG_DELIVERY_JOB = "delivery.datadog";
export const ALERTMANAGER_DELIVERY_JOB = "delivery.alertmanager";
export const GRAFANA_DELIVERY_JOB = "delivery.grafana";
export const GENERIC_DELIVERY_JOB = "delivery.generic";
export const GITHUB_DELIVERY_JOB = "delivery.github";
