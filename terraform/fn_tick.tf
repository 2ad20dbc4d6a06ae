# Tick: for each message on the ticks topic (scheduler.tf) it sends reminders and escalations,
# expires and deletes what is due, and relays letters still pending in the outbox to the mail
# topic. One instance, one sweep at a time: overlapping sweeps would only contend for the
# same cases.

resource "google_service_account" "tick" {
  project      = var.project_id
  account_id   = "fn-tick"
  display_name = "Privacyloket Tick"
  description  = "Runs the Tick function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "tick" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.tick.email}"
}

# It queues letters: publisher on the mail topic, not on the project.
resource "google_pubsub_topic_iam_member" "tick_mail" {
  project = var.project_id
  topic   = google_pubsub_topic.mail.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.tick.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "tick" {
  for_each = toset(["LINK_SIGNING_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.tick.email}"
}

# The identity its Eventarc trigger pushes with: it may invoke this function and nothing else.
resource "google_service_account" "tick_trigger" {
  project      = var.project_id
  account_id   = "trigger-tick"
  display_name = "Privacyloket Tick trigger"
  description  = "Pushes ticks messages to the Tick function."
}

resource "google_cloudfunctions2_function" "tick" {
  project     = var.project_id
  location    = var.region
  name        = "tick"
  description = "Privacyloket Tick"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "Tick"
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
    service_account_email = google_service_account.tick.email
    ingress_settings      = local.event_ingress
    environment_variables = local.runtime_env

    available_memory                 = "256Mi"
    available_cpu                    = "1"
    max_instance_request_concurrency = 1
    timeout_seconds                  = 540
    min_instance_count               = 0
    max_instance_count               = 1
    all_traffic_on_latest_revision   = true

    secret_environment_variables {
      key        = "LINK_SIGNING_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["LINK_SIGNING_KEY"].secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.ticks.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.tick_trigger.email
  }

  # The account must hold its roles and secrets before the first instance starts.
  depends_on = [
    google_project_iam_member.tick,
    google_secret_manager_secret_iam_member.tick,
    google_pubsub_topic_iam_member.tick_mail,
    google_project_iam_member.build,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "tick_trigger" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.tick.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.tick_trigger.email}"
}
