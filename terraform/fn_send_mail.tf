# SendMail: sends the queued letter named by each message on the mail topic through SendGrid.
# A failure returns an error, so Pub/Sub retries it, and after var.mail_max_delivery_attempts
# parks it on the mail dead-letter topic (pubsub.tf). It publishes nothing. SendGrid, not
# this function, is the bottleneck: a few instances drain a burst.

resource "google_service_account" "send_mail" {
  project      = var.project_id
  account_id   = "fn-send-mail"
  display_name = "Privacyloket SendMail"
  description  = "Runs the SendMail function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "send_mail" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.send_mail.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "send_mail" {
  for_each = toset(["LINK_SIGNING_KEY", "SENDGRID_API_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.send_mail.email}"
}

# The identity its Eventarc trigger pushes with: it may invoke this function and nothing else.
resource "google_service_account" "send_mail_trigger" {
  project      = var.project_id
  account_id   = "trigger-send-mail"
  display_name = "Privacyloket SendMail trigger"
  description  = "Pushes mail messages to the SendMail function."
}

resource "google_cloudfunctions2_function" "send_mail" {
  project     = var.project_id
  location    = var.region
  name        = "send-mail"
  description = "Privacyloket SendMail"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "SendMail"
    environment_variables = local.build_env
    service_account       = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket_object.source.bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    service_account_email = google_service_account.send_mail.email
    ingress_settings      = local.event_ingress
    environment_variables = local.runtime_env

    available_memory                 = "256Mi"
    available_cpu                    = "1"
    max_instance_request_concurrency = 10
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = 5
    all_traffic_on_latest_revision   = true

    secret_environment_variables {
      key        = "LINK_SIGNING_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["LINK_SIGNING_KEY"].secret_id
      version    = "latest"
    }

    secret_environment_variables {
      key        = "SENDGRID_API_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["SENDGRID_API_KEY"].secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.mail.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.send_mail_trigger.email
  }

  # The account must hold its roles and secrets before the first instance starts.
  depends_on = [
    google_project_iam_member.send_mail,
    google_secret_manager_secret_iam_member.send_mail,
    google_project_iam_member.build,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "send_mail_trigger" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.send_mail.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.send_mail_trigger.email}"
}
