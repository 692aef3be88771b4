/** Job kinds that process recorded webhook deliveries. */
export const PAGERDUTY_DELIVERY_JOB = "delivery.pagerduty";
export const DATADOG_DELIVERY_JOB = "delivery.datadog";
