# Alerts that page before a legal deadline is missed, each with a playbook in README.md
# ("Alerts and playbooks"). The log-based metrics count log lines the code writes;
# monitoring_test.go checks each filter against the Go sources (message, fields, severity), so a
# renamed log line cannot silently blind an alert. Everything notifies var.notification_channels.

locals {
  playbook = "https://github.com/privacyloket/privacyloket/blob/main/terraform/README.md"

  service_of = { for name, f in local.functions : name => f.service }

  public_services = [for name, f in local.functions : f.service if f.public]

  # Function name => its held dead-letter subscription (topic functions only).
  dead_letter_holds = { for name, f in local.functions : name => "${f.topic}-dead-letter-hold" if f.topic != null }
}

# --- Log-based metrics ---

# functions/tick.go: one line per successful sweep.
resource "google_logging_metric" "tick_done" {
  project     = var.project_id
  name        = "privacyloket/tick_done"
  description = "Successful Tick sweeps (log line \"tick done\")."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.service_of["Tick"]}\" AND severity=INFO AND jsonPayload.message=\"tick done\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# shared/app/send.go: SendGrid refused a letter for good (a permanent failure).
resource "google_logging_metric" "letter_refused" {
  project     = var.project_id
  name        = "privacyloket/letter_refused"
  description = "Letters the mail service refused for good (log line \"mail service refused letter\")."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.service_of["SendMail"]}\" AND severity=ERROR AND jsonPayload.message=\"mail service refused letter\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    labels {
      key         = "letter"
      value_type  = "STRING"
      description = "Kind of letter."
    }
  }

  label_extractors = {
    letter = "EXTRACT(jsonPayload.letter)"
  }
}

# shared/app/tick.go: a case passed its legal deadline and staff were escalated to.
resource "google_logging_metric" "case_overdue" {
  project     = var.project_id
  name        = "privacyloket/case_overdue"
  description = "Escalations of cases past their legal deadline (log line \"case overdue\")."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.service_of["Tick"]}\" AND severity=WARNING AND jsonPayload.message=\"case overdue\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# shared/app/tick.go: the Tick could not process a case and backed it off. Such a case gets no
# reminder, escalation or expiry until it is processed, and the sweep itself still succeeds, so
# the tick alert stays silent.
resource "google_logging_metric" "tick_case_failed" {
  project     = var.project_id
  name        = "privacyloket/tick_case_failed"
  description = "Cases the Tick failed to process (log line \"tick case failed\")."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.service_of["Tick"]}\" AND severity=ERROR AND jsonPayload.message=\"tick case failed\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# shared/firestoredb: a case keeps its events and letters in its own document, which Firestore
# caps at 1 MiB; past half of that, every change of the case logs "case document large".
resource "google_logging_metric" "case_document_large" {
  project     = var.project_id
  name        = "privacyloket/case_document_large"
  description = "Changes of a case whose document passed half of Firestore's 1 MiB (log line \"case document large\")."
  filter      = "resource.type=\"cloud_run_revision\" AND severity=WARNING AND jsonPayload.message=\"case document large\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# --- Alerts ---

resource "google_monitoring_alert_policy" "tick_absent" {
  project               = var.project_id
  display_name          = "Privacyloket: no successful Tick for 10 minutes"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "CRITICAL"

  conditions {
    display_name = "No \"tick done\" for 10 minutes"

    condition_absent {
      filter   = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.tick_done.name}\" AND resource.type=\"cloud_run_revision\""
      duration = "600s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "No Tick has finished for 10 minutes: reminders, escalations, expiries and retention have stopped. Playbook: ${local.playbook}#alert-no-successful-tick"
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  for_each = local.dead_letter_holds

  project               = var.project_id
  display_name          = "Privacyloket: dead letters for ${each.key}"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = each.key == "SendMail" ? "CRITICAL" : "WARNING"

  conditions {
    display_name = "A message in ${each.value}"

    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=\"${each.value}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A ${each.key} message failed every delivery and waits in ${each.value}. Playbook: ${local.playbook}#alert-dead-letters"
  }

  depends_on = [module.function]
}

resource "google_monitoring_alert_policy" "letter_refused" {
  project               = var.project_id
  display_name          = "Privacyloket: SendGrid refused letters"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "ERROR"

  conditions {
    display_name = "Letters refused for good in the last hour > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.letter_refused.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.letter"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "SendGrid refused a letter for good; the letter is marked failed and will not be retried. Playbook: ${local.playbook}#alert-sendgrid-refused-letters"
  }
}

resource "google_monitoring_alert_policy" "case_overdue" {
  project               = var.project_id
  display_name          = "Privacyloket: a case is past its legal deadline"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "CRITICAL"

  conditions {
    display_name = "Overdue escalations in the last hour > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.case_overdue.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The Tick escalated a case whose legal deadline has passed. Playbook: ${local.playbook}#alert-case-overdue"
  }
}

resource "google_monitoring_alert_policy" "tick_case_failed" {
  project               = var.project_id
  display_name          = "Privacyloket: the Tick cannot process a case"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "CRITICAL"

  conditions {
    display_name = "Cases the Tick failed in the last hour > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.tick_case_failed.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The Tick failed on a case and backs it off (up to a day): that case gets no reminder, escalation or expiry until it is processed. Playbook: ${local.playbook}#alert-the-tick-cannot-process-a-case"
  }
}

resource "google_monitoring_alert_policy" "case_document_large" {
  project               = var.project_id
  display_name          = "Privacyloket: a case document is growing large"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "WARNING"

  conditions {
    display_name = "Changes of a case document past 512 KiB in the last day > 0"

    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.case_document_large.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "86400s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A case's document (its events and letters) passed half of Firestore's 1 MiB. At 1 MiB every change of that case fails. Playbook: ${local.playbook}#alert-a-case-document-is-growing-large"
  }
}

resource "google_monitoring_alert_policy" "errors_5xx" {
  project               = var.project_id
  display_name          = "Privacyloket: public functions answer 5xx"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "ERROR"

  conditions {
    display_name = "5xx answers of the public functions in 5 minutes > ${var.errors_5xx_per_5min}"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND metric.labels.response_code_class=\"5xx\" AND resource.labels.service_name=one_of(${join(", ", [for s in local.public_services : "\"${s}\""])})"
      comparison      = "COMPARISON_GT"
      threshold_value = var.errors_5xx_per_5min
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.service_name"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A public function fails requests. Playbook: ${local.playbook}#alert-5xx-or-slow-requestform"
  }

  depends_on = [module.function]
}

resource "google_monitoring_alert_policy" "request_form_latency" {
  project               = var.project_id
  display_name          = "Privacyloket: RequestForm is slow"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "WARNING"

  conditions {
    display_name = "RequestForm p95 latency > ${var.latency_p95_ms} ms for 5 minutes"

    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_latencies\" AND resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.service_of["RequestForm"]}\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.latency_p95_ms
      duration        = "300s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_95"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.labels.service_name"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "RequestForm answers slowly. Playbook: ${local.playbook}#alert-5xx-or-slow-requestform"
  }

  depends_on = [module.function]
}

# The public form, as a requester reaches it: through the load balancer when there is one.
resource "google_monitoring_uptime_check_config" "request_form" {
  project      = var.project_id
  display_name = "Privacyloket RequestForm"
  timeout      = "10s"
  period       = "300s"

  http_check {
    path           = "/RequestForm"
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = var.domain != "" ? var.domain : trimprefix(module.function["RequestForm"].uri, "https://")
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "request_form_uptime" {
  project               = var.project_id
  display_name          = "Privacyloket: RequestForm unreachable"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "CRITICAL"

  conditions {
    display_name = "Uptime check of RequestForm fails"

    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type=\"uptime_url\" AND metric.labels.check_id=\"${google_monitoring_uptime_check_config.request_form.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "600s"

      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.*"]
      }

      trigger {
        count = 1
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The public request form does not answer 2xx from several checker locations. Playbook: ${local.playbook}#alert-requestform-unreachable"
  }
}

# Optional: a monthly budget that notifies the same channels at 50, 90 and 100 %.
resource "google_billing_budget" "monthly" {
  count = var.billing_account == "" ? 0 : 1

  billing_account = var.billing_account
  display_name    = "Privacyloket ${var.project_id}"

  budget_filter {
    projects = ["projects/${local.project_number}"]
  }

  amount {
    specified_amount {
      currency_code = "EUR"
      units         = tostring(var.monthly_budget_eur)
    }
  }

  threshold_rules {
    threshold_percent = 0.5
  }

  threshold_rules {
    threshold_percent = 0.9
  }

  threshold_rules {
    threshold_percent = 1.0
  }

  all_updates_rule {
    monitoring_notification_channels = var.notification_channels
  }

  depends_on = [google_project_service.enabled]
}
