# ConfirmRequest: the requester confirms the e-mail address through a signed link; the case
# moves on and the letters that causes (receipt, staff case) are queued on the mail topic.

resource "google_service_account" "confirm_request" {
  project      = var.project_id
  account_id   = "fn-confirm-request"
  display_name = "Privacyloket ConfirmRequest"
  description  = "Runs the ConfirmRequest function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "confirm_request" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.confirm_request.email}"
}

# It queues letters: publisher on the mail topic, not on the project.
resource "google_pubsub_topic_iam_member" "confirm_request_mail" {
  project = var.project_id
  topic   = google_pubsub_topic.mail.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.confirm_request.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "confirm_request" {
  for_each = toset(["LINK_SIGNING_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.confirm_request.email}"
}

resource "google_cloudfunctions2_function" "confirm_request" {
  project     = var.project_id
  location    = var.region
  name        = "confirm-request"
  description = "Privacyloket ConfirmRequest"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "ConfirmRequest"
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
    service_account_email = google_service_account.confirm_request.email
    ingress_settings      = local.public_ingress
    environment_variables = local.runtime_env

    available_memory                 = "256Mi"
    available_cpu                    = "1"
    max_instance_request_concurrency = 40
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = var.max_instances
    all_traffic_on_latest_revision   = true

    secret_environment_variables {
      key        = "LINK_SIGNING_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.keys["LINK_SIGNING_KEY"].secret_id
      version    = "latest"
    }
  }

  # The account must hold its roles and secrets before the first instance starts.
  depends_on = [
    google_project_iam_member.confirm_request,
    google_secret_manager_secret_iam_member.confirm_request,
    google_pubsub_topic_iam_member.confirm_request_mail,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "confirm_request_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.confirm_request.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
