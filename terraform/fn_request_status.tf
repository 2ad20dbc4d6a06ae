# RequestStatus: the requester's status page behind a signed link. It only reads, so it may
# not publish.

resource "google_service_account" "request_status" {
  project      = var.project_id
  account_id   = "fn-request-status"
  display_name = "Privacyloket RequestStatus"
  description  = "Runs the RequestStatus function and nothing else."
}

# Cases, letters and events live in Firestore, which has no narrower role than this.
resource "google_project_iam_member" "request_status" {
  for_each = toset(["roles/datastore.user"])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.request_status.email}"
}

# Exactly the secrets it mounts below (config.SecretsByFunction).
resource "google_secret_manager_secret_iam_member" "request_status" {
  for_each = toset(["LINK_SIGNING_KEY"])

  project   = var.project_id
  secret_id = google_secret_manager_secret.keys[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.request_status.email}"
}

resource "google_cloudfunctions2_function" "request_status" {
  project     = var.project_id
  location    = var.region
  name        = "request-status"
  description = "Privacyloket RequestStatus"

  build_config {
    runtime               = var.go_runtime
    entry_point           = "RequestStatus"
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
    service_account_email = google_service_account.request_status.email
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
    google_project_iam_member.request_status,
    google_secret_manager_secret_iam_member.request_status,
    google_project_iam_member.build,
  ]
}

# Public: anyone may call it; the form or the signed link carries the authority. (A gen2
# function runs as the Cloud Run service of the same name; invoking is a Cloud Run right.)
resource "google_cloud_run_v2_service_iam_member" "request_status_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.request_status.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
